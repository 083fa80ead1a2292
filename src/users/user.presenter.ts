import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { toIsoTimestamp } from '../shared/dates';
import type { User } from './user.entity';
import { ApiTimestamp } from '../http/openapi';

/** The contract's User JSON; never the password hash. */
@ApiSchema({ name: 'User' })
export class UserJson {
  @ApiProperty({ type: 'integer' })
  id!: number;

  @ApiProperty()
  username!: string;

  @ApiTimestamp({ nullable: true })
  createdAt!: string | null;

  @ApiTimestamp({ nullable: true })
  lastLogin!: string | null;
}

export function presentUser(user: User): UserJson {
  return {
    id: Number(user.id),
    username: user.username,
    createdAt: toIsoTimestamp(user.createdAt),
    lastLogin: toIsoTimestamp(user.lastLogin),
  };
}
