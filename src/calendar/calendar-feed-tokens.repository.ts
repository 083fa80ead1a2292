import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CalendarFeedToken } from './calendar-feed-token.entity';

/** Every SQL statement on `calendar_feed_tokens`. */
@Injectable()
export class CalendarFeedTokensRepository {
  /** Leaves exactly one token: the new one. */
  async replace(manager: EntityManager, tokenHash: string, createdAt: Date): Promise<void> {
    await manager.createQueryBuilder().delete().from(CalendarFeedToken).execute();
    await manager.insert(CalendarFeedToken, { tokenHash, createdAt });
  }

  async hashes(manager: EntityManager): Promise<string[]> {
    const rows = await manager.find(CalendarFeedToken, { select: { tokenHash: true } });
    return rows.map((row) => row.tokenHash);
  }
}
