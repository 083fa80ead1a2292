import { DomainError } from '../shared/domain-error';
import { duplicateKey, parseCsvRecords, parseWorkoutDay, planImport } from './csv-rows';

const HEADER =
  'Title,WorkoutType,WorkoutDescription,PlannedDuration,PlannedDistanceInMeters,WorkoutDay,CoachComments,IF,TSS,TimeTotalInHours';

const plan = (body: string, existing: string[] = []) =>
  planImport(parseCsvRecords(`${HEADER}\n${body}`), new Set(existing));

describe('CSV row rules', () => {
  it('maps TrainingPeaks columns and applies the defaults', () => {
    const { rows, skipped } = plan('Swim,,Drills,1.5,2000,2026-1-5,,0.7,,');
    expect(skipped).toEqual([]);
    expect(rows).toEqual([
      {
        row: 2,
        workout: {
          title: 'Swim',
          workoutType: 'Other',
          workoutDescription: 'Drills',
          plannedDuration: 1.5,
          plannedDistanceMeters: 2000,
          originallyPlannedDay: '2026-01-05',
          coachComments: null,
          tss: null,
          intensityFactor: 0.7,
        },
      },
    ]);
  });

  it.each([
    ['', '0.8', '1', 64.00000000000001],
    ['50', '0.8', '1', 50],
    ['0', '0.8', '1', 0],
    ['', '0', '1', null],
    ['', '0.8', '', null],
    ['', '', '2', null],
  ])('TSS %j with IF %j and hours %j gives %j', (tss, intensity, hours, expected) => {
    const { rows } = plan(`Ride,Bike,,,,2026-01-05,,${intensity},${tss},${hours}`);
    if (expected === null) expect(rows[0].workout.tss).toBeNull();
    else expect(rows[0].workout.tss).toBeCloseTo(expected);
  });

  it('skips and reports bad dates and bad numbers, numbering rows as a spreadsheet', () => {
    const { rows, skipped } = plan(
      [
        'A,Run,,,,2026-02-30,,,,',
        'B,Run,,,,,,,,',
        'C,Run,,abc,,2026-01-05,,,,',
        'D,Run,,,,2026-01-05,,nan,,',
        'E,Run,,,,05/01/2026,,,,',
        'F,Run,,,,2026-01-06,,,1e2,',
      ].join('\n'),
    );
    expect(rows.map((r) => [r.row, r.workout.title, r.workout.tss])).toEqual([[7, 'F', 100]]);
    expect(skipped).toEqual([
      { row: 2, reason: 'WorkoutDay is not a date (YYYY-MM-DD): "2026-02-30"' },
      { row: 3, reason: 'WorkoutDay is empty' },
      { row: 4, reason: 'PlannedDuration is not a number: "abc"' },
      { row: 5, reason: 'IF is not a number: "nan"' },
      { row: 6, reason: 'WorkoutDay is not a date (YYYY-MM-DD): "05/01/2026"' },
    ]);
  });

  it('skips duplicates of the database and of earlier rows (same title and day only)', () => {
    const { rows, skipped } = plan(
      [
        'Old,Run,,,,2026-01-05,,,,',
        'New,Run,,,,2026-01-05,,,,',
        'New,Bike,,,,2026-01-05,,,,',
        'New,Run,,,,2026-01-06,,,,',
      ].join('\n'),
      [duplicateKey('Old', '2026-01-05')],
    );
    expect(rows.map((r) => r.row)).toEqual([3, 5]);
    expect(skipped.map((s) => [s.row, s.reason.split(':')[1].trim().split(' ')[0]])).toEqual([
      [2, 'a'],
      [4, 'an'],
    ]);
  });

  it('reads quoted fields with commas, quotes and newlines, CRLF and a BOM', () => {
    const text = `\uFEFF${HEADER}\r\n"Run, easy","Run","Line 1\r\nLine ""2""",,,2026-01-05,"Keep it, slow",,,\r\n`;
    const { rows } = planImport(parseCsvRecords(text), new Set());
    expect(rows).toHaveLength(1);
    expect(rows[0].workout).toMatchObject({
      title: 'Run, easy',
      workoutDescription: 'Line 1\r\nLine "2"',
      coachComments: 'Keep it, slow',
    });
  });

  it('refuses a CSV that cannot be parsed with a 400 domain error', () => {
    expect(() => parseCsvRecords(`${HEADER}\n"unclosed,Run`)).toThrow(DomainError);
  });

  it('normalises days and rejects impossible ones', () => {
    expect(parseWorkoutDay('2026-1-5')).toBe('2026-01-05');
    expect(parseWorkoutDay('2024-02-29')).toBe('2024-02-29');
    expect(parseWorkoutDay('2026-02-29')).toBeNull();
    expect(parseWorkoutDay('2026-01-05T00:00:00')).toBeNull();
  });

  it('counts title lengths in code points, as the database does, and skips NUL characters', () => {
    const face = '\u{1F600}'; // one code point, two UTF-16 units
    const { rows, skipped } = plan(
      [
        `${face.repeat(500)},Run,,,,2026-01-05,,,,`,
        `${face.repeat(501)},Run,,,,2026-01-05,,,,`,
        'A\u0000B,Run,,,,2026-01-05,,,,',
      ].join('\n'),
    );
    expect(rows.map((r) => r.row)).toEqual([2]);
    expect(skipped).toEqual([
      { row: 3, reason: 'Title is longer than 500 characters' },
      { row: 4, reason: 'Title contains a NUL character' },
    ]);
  });
});
