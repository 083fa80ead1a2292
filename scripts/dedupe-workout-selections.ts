import { runCommand, terminal } from '../src/cli/terminal';
import { dedupeCommand } from '../src/cli/dedupe.command';

// `npm run dedupe -- --help`. A PostgreSQL dump goes to the directory npm was run from.
runCommand(() =>
  dedupeCommand(process.argv.slice(2), process.env, {
    ...terminal,
    now: () => new Date(),
    workingDirectory: process.env.INIT_CWD ?? process.cwd(),
  }),
);
