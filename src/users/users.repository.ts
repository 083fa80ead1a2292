import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { User } from './user.entity';

/** Every SQL statement on `users`. */
@Injectable()
export class UsersRepository {
  findById(manager: EntityManager, id: number): Promise<User | null> {
    return manager.findOneBy(User, { id });
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

  async setLastLogin(manager: EntityManager, id: number, at: Date): Promise<void> {
    await manager.update(User, { id }, { lastLogin: at });
  }
}
