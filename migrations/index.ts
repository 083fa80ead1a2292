import type { MigrationInterface } from 'typeorm';
import { Baseline1795800000000 } from './1795800000000-Baseline';
import { DedupeWorkoutSelections1795800000001 } from './1795800000001-DedupeWorkoutSelections';
import { UniqueWorkoutSelection1795800000002 } from './1795800000002-UniqueWorkoutSelection';
import { CalendarFeedTokens1795800000003 } from './1795800000003-CalendarFeedTokens';

// Listed explicitly (not globbed) so the same list works from ts-node, ts-jest and dist/.
export const MIGRATIONS: (new () => MigrationInterface)[] = [
  Baseline1795800000000,
  DedupeWorkoutSelections1795800000001,
  UniqueWorkoutSelection1795800000002,
  CalendarFeedTokens1795800000003,
];
