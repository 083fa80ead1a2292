import { backupFileName, utcStamp } from './backup-folder';

describe('backup names', () => {
  const at = new Date('2026-03-04T05:06:07.890Z');

  it('stamp every file this tool names with the UTC time to the millisecond', () => {
    expect(utcStamp(at)).toBe('20260304T050607.890Z');
  });

  it('name a backup by engine, with a sequence when its millisecond is taken', () => {
    expect(backupFileName('sqlite', at)).toBe('workout-planner-20260304T050607.890Z.sqlite');
    expect(backupFileName('postgres', at, 2)).toBe('workout-planner-20260304T050607.890Z-2.dump');
  });
});
