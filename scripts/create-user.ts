import { CalendarFeedTokensService } from '../src/calendar/calendar-feed-tokens.service';
import { EXIT, parseUserArgs, runUserCommand, USAGE } from '../src/users/user-cli';
import { UsersService } from '../src/users/users.service';
import { cliContext } from './cli-context';

/**
 * npm run user:create -- <username> <password> | --update <username> <password>
 *   | --delete <username> | --list
 *   | --feed-token
 */
async function main(): Promise<number> {
  const command = parseUserArgs(process.argv.slice(2));
  if ('error' in command) {
    console.error(`${command.error}\n\n${USAGE}`);
    return EXIT.usage;
  }
  const app = await cliContext();
  try {
    return await runUserCommand(
      command,
      app.get(UsersService),
      { out: (line) => console.log(line), err: (line) => console.error(line) },
      () => app.get(CalendarFeedTokensService).rotate(),
    );
  } finally {
    await app.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`Failed: ${(error as Error).message}`);
    process.exit(EXIT.failed);
  },
);
