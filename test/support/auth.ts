import { JwtService } from '@nestjs/jwt';
import type { DataSource } from 'typeorm';

/**
 * For apps started as separate processes: inserts a user (no usable password: nobody logs in)
 * and signs a login token for it with the SECRET_KEY the processes were given.
 */
export async function userToken(dataSource: DataSource, secret: string): Promise<string> {
  const postgres = dataSource.options.type === 'postgres';
  const rows = await dataSource.query<{ id: number }[]>(
    `INSERT INTO users (username, password_hash) VALUES (${postgres ? '$1, $2' : '?, ?'}) RETURNING id`,
    [`load-${Date.now()}`, 'disabled'],
  );
  return new JwtService({ secret }).sign({ user_id: Number(rows[0].id) }, { expiresIn: 3600 });
}
