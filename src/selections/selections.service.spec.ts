import { changesFor } from './selections.service';

describe('changesFor', () => {
  it('keeps exactly the keys sent, nulls included', () => {
    expect(changesFor({ currentPlanDay: '2026-01-20', timeOfDay: null })).toEqual({
      currentPlanDay: '2026-01-20',
      timeOfDay: null,
    });
    expect(changesFor({})).toEqual({});
  });

  it('deselecting clears the time of day unless the body sets one', () => {
    expect(changesFor({ isSelected: false })).toEqual({ isSelected: false, timeOfDay: null });
    expect(changesFor({ isSelected: false, timeOfDay: 'evening' })).toEqual({
      isSelected: false,
      timeOfDay: 'evening',
    });
    expect(changesFor({ isSelected: true })).toEqual({ isSelected: true });
  });
});
