import { runCommand, terminal } from '../src/cli/cli';
import { runRestoreCli } from '../src/backup/restore-cli';

// `npm run restore -- <backup file> [--yes]`; a relative path is from where npm was run.
runCommand(() =>
  runRestoreCli(process.argv.slice(2), process.env, {
    ...terminal,
    now: () => new Date(),
    workingDirectory: process.env.INIT_CWD ?? process.cwd(),
  }),
);
