import { JwtService } from '@nestjs/jwt';
import type { DataSource } from 'typeorm';
import { sql } from './sql';

/**
 * Inserts a user straight into the table (specs must not depend on the login route to get one)
 * and returns its id; an existing user of that name is replaced.
 */
export async function insertUser(
  ds: DataSource,
  username: string,
  passwordHash: string,
): Promise<number> {
  await sql(ds, 'DELETE FROM users WHERE username = ?', [username]);
  await sql(ds, 'INSERT INTO users (username, password_hash, created_at) VALUES (?, ?, ?)', [
    username,
    passwordHash,
    new Date().toISOString().replace('T', ' ').replace('Z', ''),
  ]);
  const [{ id }] = await sql<{ id: number }>(ds, 'SELECT id FROM users WHERE username = ?', [
    username,
  ]);
  return Number(id);
}

/** A login token for the user, as an app with this SECRET_KEY issues it (valid an hour). */
export function signToken(secret: string, userId: number): string {
  return new JwtService({ secret }).sign({ user_id: userId }, { expiresIn: 3600 });
}

let users = 0;

/**
 * A new user that nobody can log in as (no usable password) and a token of it, for apps started
 * as separate processes with this SECRET_KEY, or for a second user beside the harness's.
 */
export async function userToken(
  ds: DataSource,
  secret: string,
  username?: string,
): Promise<string> {
  const name = username ?? `token-user-${process.pid}-${++users}`;
  return signToken(secret, await insertUser(ds, name, 'disabled'));
}
