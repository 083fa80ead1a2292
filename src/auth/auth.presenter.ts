import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { UserJson } from '../users/user.presenter';

/** POST /api/auth/login. */
@ApiSchema({ name: 'Login' })
export class LoginJson {
  @ApiProperty({ example: 'Login successful' })
  message!: string;

  @ApiProperty({ description: 'The login token (JWT), sent as `Authorization: Bearer <token>`' })
  token!: string;

  @ApiProperty()
  user!: UserJson;
}

/** GET /api/auth/verify. */
@ApiSchema({ name: 'Verify' })
export class VerifyJson {
  @ApiProperty({ enum: [true] })
  valid!: true;

  @ApiProperty()
  user!: UserJson;
}
