import type { WorkoutWithSelection } from '../plan/workout-with-selection';
import type { WorkoutSelection } from '../plan/workout-selection.entity';
import { buildPlanCalendar, eventUid } from './plan-icalendar';
import { describeWorkout, durationText, planDays } from './workout-plan';

let nextId = 1;
function workout(
  fields: Partial<WorkoutWithSelection> & { originallyPlannedDay: string },
  selection?: Partial<WorkoutSelection> | null,
): WorkoutWithSelection {
  return {
    id: nextId++,
    title: 'x',
    workoutType: 'Run',
    plannedDuration: null,
    ...fields,
    selection:
      selection === undefined || selection === null
        ? null
        : ({
            isSelected: true,
            currentPlanDay: null,
            timeOfDay: null,
            workoutLocation: null,
            ...selection,
          } as WorkoutSelection),
  } as WorkoutWithSelection;
}

describe('durationText', () => {
  it.each([
    [1.5, '1 hour 30 minutes'],
    [2.5, '2 hours 30 minutes'],
    [0.5, '30 minutes'],
    [1, '1 hour'],
    [3, '3 hours'],
    [2.3, '2 hours 18 minutes'],
    [1.2583, '1 hour 15 minutes'],
    [0.001, '0 minutes'],
  ])('%d hours is "%s"', (hours, text) => expect(durationText(hours)).toBe(text));
});

describe('describeWorkout', () => {
  it('writes slot, lower-cased type, location and duration', () => {
    expect(
      describeWorkout(
        workout(
          { originallyPlannedDay: '2026-01-15', plannedDuration: 1.5 },
          { timeOfDay: 'morning', workoutLocation: 'outdoor' },
        ),
      ),
    ).toBe('- Morning run (outdoor), 1 hour 30 minutes');
    expect(
      describeWorkout(
        workout(
          { originallyPlannedDay: '2026-01-15', workoutType: 'Bike', plannedDuration: 2.5 },
          { timeOfDay: ' Afternoon ' },
        ),
      ),
    ).toBe('- Afternoon bike, 2 hours 30 minutes');
    expect(describeWorkout(workout({ originallyPlannedDay: '2026-01-15' }))).toBe(
      '- Unscheduled run',
    );
    expect(
      describeWorkout(
        workout({ originallyPlannedDay: '2026-01-15', workoutType: '' }, { timeOfDay: 'lunch' }),
      ),
    ).toBe('- Unscheduled unknown');
  });
});

describe('planDays', () => {
  it('groups planned workouts by displayed date, in slot order, and skips deselected ones', () => {
    const workouts = [
      workout(
        { originallyPlannedDay: '2026-01-15', workoutType: 'Swim' },
        { timeOfDay: 'evening' },
      ),
      workout({ originallyPlannedDay: '2026-01-15', workoutType: 'Strength' }),
      workout(
        { originallyPlannedDay: '2026-01-15', workoutType: 'Bike' },
        { timeOfDay: 'morning' },
      ),
      workout(
        { originallyPlannedDay: '2026-01-15', workoutType: 'Run' },
        { timeOfDay: 'afternoon' },
      ),
      workout({ originallyPlannedDay: '2026-01-15', workoutType: 'Swim' }, { isSelected: false }),
      workout({ originallyPlannedDay: '2026-01-15', workoutType: 'Swim' }, { isSelected: null }),
      // Moved into the range from outside, and moved out of it.
      workout(
        { originallyPlannedDay: '2026-03-01', workoutType: 'Run' },
        { currentPlanDay: '2026-01-16' },
      ),
      workout(
        { originallyPlannedDay: '2026-01-16', workoutType: 'Bike' },
        { currentPlanDay: '2026-03-02' },
      ),
    ];
    expect(planDays(workouts, { start: '2026-01-15', end: '2026-01-16' })).toEqual([
      {
        date: '2026-01-15',
        lines: ['- Morning bike', '- Afternoon run', '- Evening swim', '- Unscheduled strength'],
      },
      { date: '2026-01-16', lines: ['- Unscheduled run'] },
    ]);
    expect(planDays(workouts).map((d) => d.date)).toEqual([
      '2026-01-15',
      '2026-01-16',
      '2026-03-02',
    ]);
  });
});

describe('buildPlanCalendar', () => {
  it('makes one all-day event per date with stable UIDs, escaped and folded text', () => {
    const text = buildPlanCalendar(
      [
        {
          date: '2026-01-15',
          lines: ['- Morning run (outdoor), 1 hour 30 minutes', '- Evening swim; easy'],
        },
        { date: '2026-01-31', lines: ['- Unscheduled ' + 'long '.repeat(30) + 'run'] },
      ],
      'Joe, workouts; plan',
      new Date('2026-01-01T00:00:00Z'),
    ).toString();
    expect(eventUid('2026-01-15')).toBe('workout-plan-20260115@workout-planner');
    expect(text).toContain('UID:workout-plan-20260115@workout-planner\r\n');
    expect(text).toContain('DTSTART;VALUE=DATE:20260115\r\n');
    expect(text).toContain('DTEND;VALUE=DATE:20260116\r\n');
    expect(text).toContain('DTSTART;VALUE=DATE:20260131\r\n');
    expect(text).toContain('DTEND;VALUE=DATE:20260201\r\n');
    expect(text).toContain('SUMMARY:Joe\\, workouts\\; plan\r\n');
    expect(text.replace(/\r\n /g, '')).toContain(
      'DESCRIPTION:- Morning run (outdoor)\\, 1 hour 30 minutes\\n- Evening swim\\; easy\r\n',
    );
    for (const line of text.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    expect(text.match(/BEGIN:VEVENT/g)).toHaveLength(2);
  });
});
