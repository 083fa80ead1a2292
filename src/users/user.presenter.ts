import { toIsoTimestamp } from '../common/dates';
import type { User } from './user.entity';

/** The contract's User JSON; never the password hash. */
export interface UserJson {
  id: number;
  username: string;
  createdAt: string | null;
  lastLogin: string | null;
}

export function presentUser(user: User): UserJson {
  return {
    id: Number(user.id),
    username: user.username,
    createdAt: toIsoTimestamp(user.createdAt),
    lastLogin: toIsoTimestamp(user.lastLogin),
  };
}
