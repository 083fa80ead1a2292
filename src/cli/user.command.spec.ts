import { parseUserArgs, USAGE } from './user.command';

describe('user:create arguments', () => {
  it.each([
    [['joe', 'password1'], { kind: 'create', username: 'joe', password: 'password1' }],
    [['--update', 'joe', 'password2'], { kind: 'update', username: 'joe', password: 'password2' }],
    [['--list'], { kind: 'list' }],
  ])('parses %j', (argv, command) => {
    expect(parseUserArgs(argv)).toEqual(command);
  });

  it.each([
    [[]],
    [['joe']],
    [['--update', 'joe']],
    [['--list', 'x']],
    [['--nope']],
    [['a', 'b', 'c']],
  ])('refuses %j as bad usage', (argv) => {
    expect(parseUserArgs(argv)).toEqual({ error: expect.any(String) });
  });

  it('documents every command in the usage text', () => {
    expect(USAGE).toContain('--update <username> <password>');
    expect(USAGE).toContain('--list');
    expect(USAGE).toContain('<username> <password>');
  });
});

// What the commands do to the users table: test/user-cli.e2e-spec.ts, on a real database.
