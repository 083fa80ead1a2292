import { DomainError } from '../common/domain-error';
import type { User } from './user.entity';
import { EXIT } from '../cli/cli';
import { parseUserArgs, runUserCommand, USAGE } from './user-cli';

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

describe('user:create commands', () => {
  const io = () => ({ out: jest.fn(), err: jest.fn() });
  const user = { id: 1, username: 'joe', createdAt: new Date(0), lastLogin: null } as User;

  it('creates, updates and lists with exit code 0', async () => {
    const users = {
      createFirst: jest.fn().mockResolvedValue(user),
      updatePassword: jest.fn().mockResolvedValue(undefined),
      delete: jest.fn().mockResolvedValue(undefined),
      list: jest.fn().mockResolvedValue([user]),
    };
    const lines = io();
    await expect(
      runUserCommand({ kind: 'create', username: 'joe', password: 'password1' }, users, lines),
    ).resolves.toBe(EXIT.ok);
    await expect(
      runUserCommand({ kind: 'update', username: 'joe', password: 'password2' }, users, lines),
    ).resolves.toBe(EXIT.ok);
    await expect(runUserCommand({ kind: 'list' }, users, lines)).resolves.toBe(EXIT.ok);
    expect(users.createFirst).toHaveBeenCalledWith('joe', 'password1');
    expect(users.updatePassword).toHaveBeenCalledWith('joe', 'password2');
    expect(lines.out.mock.calls.flat().join('\n')).toContain('1970-01-01T00:00:00.000Z');
    expect(lines.out.mock.calls.flat().join('\n')).not.toContain('password');
  });

  it('exits 1 with the reason when the rules refuse', async () => {
    const users = {
      createFirst: jest
        .fn()
        .mockRejectedValue(new DomainError('FORBIDDEN', 'A user already exists')),
      updatePassword: jest.fn(),
      delete: jest.fn(),
      list: jest.fn(),
    };
    const lines = io();
    await expect(
      runUserCommand({ kind: 'create', username: 'x', password: 'password1' }, users, lines),
    ).resolves.toBe(EXIT.failed);
    expect(lines.err).toHaveBeenCalledWith('Refused: A user already exists');
  });
});
