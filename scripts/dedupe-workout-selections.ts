import { runCommand, terminal } from '../src/cli/cli';
import { runDedupeCli } from '../src/selections/dedupe/dedupe-cli';

// `npm run dedupe -- --help`. A PostgreSQL dump goes to the directory npm was run from.
runCommand(() =>
  runDedupeCli(process.argv.slice(2), process.env, {
    ...terminal,
    now: () => new Date(),
    workingDirectory: process.env.INIT_CWD ?? process.cwd(),
  }),
);
