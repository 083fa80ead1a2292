import { CalendarFeedTokensService } from '../calendar/calendar-feed-tokens.service';
import { CliIo, EXIT, ExitCode } from './terminal';
import { DomainError } from '../shared/domain-error';
import { toIsoTimestamp } from '../shared/dates';
import { UsersService } from '../users/users.service';
import { cliContext } from './cli.module';

/** What `npm run user:create -- ...` was asked to do. */
export type UserCommand =
  | { kind: 'create'; username: string; password: string }
  | { kind: 'update'; username: string; password: string }
  | { kind: 'delete'; username: string }
  | { kind: 'list' }
  | { kind: 'feed-token' };

interface CommandSpec {
  /** The leading flag, or null for the default command. */
  flag: string | null;
  params: string[];
  summary: string;
  build(args: string[]): UserCommand;
}

// One entry per command: a new flag (e.g. --feed-token) is a new entry here plus a case in
// runUserCommand.
const COMMANDS: CommandSpec[] = [
  {
    flag: null,
    params: ['username', 'password'],
    summary: 'create the single user (refused when a user exists)',
    build: ([username, password]) => ({ kind: 'create', username, password }),
  },
  {
    flag: '--update',
    params: ['username', 'password'],
    summary: "change a user's password",
    build: ([username, password]) => ({ kind: 'update', username, password }),
  },
  {
    flag: '--delete',
    params: ['username'],
    summary: 'delete a user (its login tokens stop working)',
    build: ([username]) => ({ kind: 'delete', username }),
  },
  {
    flag: '--list',
    params: [],
    summary: 'list users with their creation and last login times',
    build: () => ({ kind: 'list' }),
  },
  {
    flag: '--feed-token',
    params: [],
    summary: 'new calendar feed token (the old one stops working), printed on the last line',
    build: () => ({ kind: 'feed-token' }),
  },
];

export const USAGE = [
  'Usage:',
  ...COMMANDS.map((command) => {
    const words = [command.flag, ...command.params.map((p) => `<${p}>`)].filter(Boolean);
    return `  npm run user:create -- ${words.join(' ').padEnd(30)} ${command.summary}`;
  }),
  'Passwords must be at least 8 characters long.',
].join('\n');

export function parseUserArgs(argv: string[]): UserCommand | { error: string } {
  const flagged = argv[0]?.startsWith('--');
  const spec = COMMANDS.find((command) =>
    flagged ? command.flag === argv[0] : command.flag === null,
  );
  if (!spec) return { error: `Unknown option ${argv[0]}` };
  const args = flagged ? argv.slice(1) : argv;
  if (args.length !== spec.params.length) {
    const name = spec.flag ?? 'creating a user';
    return {
      error: `${name} takes ${spec.params.length} argument(s): ${spec.params.join(', ') || 'none'}`,
    };
  }
  return spec.build(args);
}

/** Runs a parsed command; refusals (single user, short password, unknown user) exit 1. */
export async function runUserCommand(
  command: UserCommand,
  users: Pick<UsersService, 'createFirst' | 'updatePassword' | 'delete' | 'list'>,
  io: CliIo,
  rotateFeedToken: () => Promise<string> = () =>
    Promise.reject(new Error('feed tokens are not available here')),
): Promise<ExitCode> {
  try {
    switch (command.kind) {
      case 'create': {
        const user = await users.createFirst(command.username, command.password);
        io.out(`Created user "${user.username}" (id ${user.id}). Log in with it in the planner.`);
        return EXIT.ok;
      }
      case 'update':
        await users.updatePassword(command.username, command.password);
        io.out(`Password of "${command.username}" updated.`);
        return EXIT.ok;
      case 'delete':
        await users.delete(command.username);
        io.out(`User "${command.username}" deleted.`);
        return EXIT.ok;
      case 'list': {
        const all = await users.list();
        if (all.length === 0)
          io.out('No users. Create one with: npm run user:create -- <username> <password>');
        for (const user of all) {
          io.out(
            `${user.id}\t${user.username}\tcreated ${toIsoTimestamp(user.createdAt) ?? '-'}\t` +
              `last login ${toIsoTimestamp(user.lastLogin) ?? 'never'}`,
          );
        }
        return EXIT.ok;
      }
      case 'feed-token': {
        const token = await rotateFeedToken();
        io.out('New calendar feed token (the previous one no longer works).');
        io.out('Subscribe to: <server>/api/calendar.ics?token=<token>');
        io.out(token);
        return EXIT.ok;
      }
    }
  } catch (error) {
    if (error instanceof DomainError) {
      io.err(`Refused: ${error.message}`);
      return EXIT.failed;
    }
    io.err(`Failed: ${(error as Error).message}`);
    return EXIT.failed;
  }
}

/**
 * `npm run user:create -- <username> <password> | --update <username> <password>
 *   | --delete <username> | --list | --feed-token`
 */
export async function userCommand(argv: string[], io: CliIo): Promise<ExitCode> {
  const command = parseUserArgs(argv);
  if ('error' in command) {
    io.err(`${command.error}\n\n${USAGE}`);
    return EXIT.usage;
  }
  const app = await cliContext();
  try {
    return await runUserCommand(command, app.get(UsersService), io, () =>
      app.get(CalendarFeedTokensService).rotate(),
    );
  } finally {
    await app.close();
  }
}
