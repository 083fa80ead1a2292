import { describeTarget } from '../config/database-url';
import { parseDedupeArgs, UsageError } from './dedupe.command';

describe('parseDedupeArgs', () => {
  it('reads the flags', () => {
    expect(parseDedupeArgs(['--dry-run'])).toMatchObject({ dryRun: true, yes: false });
    expect(parseDedupeArgs(['--backup', '-y'])).toMatchObject({ backup: true, yes: true });
    expect(parseDedupeArgs([])).toEqual({
      dryRun: false,
      check: false,
      backup: false,
      yes: false,
      help: false,
    });
  });

  it.each([
    [['--force'], /Unknown option '--force'/],
    [['extra'], /Unexpected argument 'extra'/],
    [['--check', '--backup'], /--check is read-only/],
    [['--dry-run', '--backup'], /--dry-run changes nothing/],
    [['--yes=1'], /does not take an argument/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseDedupeArgs(argv)).toThrow(UsageError);
    expect(() => parseDedupeArgs(argv)).toThrow(message);
  });
});

describe('describeTarget', () => {
  it('never shows a PostgreSQL password', () => {
    expect(describeTarget({ engine: 'postgres', url: 'postgres://u:secret@h:5432/db' })).toBe(
      'PostgreSQL postgres://u:***@h:5432/db',
    );
  });
});
