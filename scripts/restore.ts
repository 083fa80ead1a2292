import { runCommand, terminal } from '../src/cli/terminal';
import { restoreCommand } from '../src/cli/restore.command';

// `npm run restore -- <backup file> [--yes]`; a relative path is from where npm was run.
runCommand(() =>
  restoreCommand(process.argv.slice(2), process.env, {
    ...terminal,
    now: () => new Date(),
    workingDirectory: process.env.INIT_CWD ?? process.cwd(),
  }),
);
