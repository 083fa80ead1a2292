import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { hydrate, placeholder } from '../database/raw-sql';
import { User } from './user.entity';

/** Every SQL statement on `users`. */
@Injectable()
export class UsersRepository {
  /** Asked by authentication when its cache of known ids has no fresh entry, hence raw. */
  async exists(manager: EntityManager, id: number): Promise<boolean> {
    const p = placeholder(manager);
    const rows: unknown[] = await manager.query(`SELECT 1 FROM users WHERE id = ${p(1)}`, [id]);
    return rows.length > 0;
  }

  async findById(manager: EntityManager, id: number): Promise<User | null> {
    const p = placeholder(manager);
    const rows: Record<string, unknown>[] = await manager.query(
      `SELECT * FROM users WHERE id = ${p(1)}`,
      [id],
    );
    return rows.length > 0 ? hydrate(manager, User, rows[0]) : null;
  }

  /** Exact, case-sensitive match (the previous backend's rule). */
  findByUsername(manager: EntityManager, username: string): Promise<User | null> {
    return manager.findOneBy(User, { username });
  }

  count(manager: EntityManager): Promise<number> {
    return manager.count(User);
  }

  findAll(manager: EntityManager): Promise<User[]> {
    return manager.find(User, { order: { id: 'ASC' } });
  }

  async insert(manager: EntityManager, username: string, passwordHash: string): Promise<number> {
    const result = await manager.insert(User, { username, passwordHash, createdAt: new Date() });
    return Number((result.identifiers[0] as { id: number }).id);
  }

  async setPasswordHash(manager: EntityManager, id: number, passwordHash: string): Promise<void> {
    await manager.update(User, { id }, { passwordHash });
  }

  async delete(manager: EntityManager, id: number): Promise<void> {
    await manager.delete(User, { id });
  }

  async setLastLogin(manager: EntityManager, id: number, at: Date): Promise<void> {
    await manager.update(User, { id }, { lastLogin: at });
  }
}
