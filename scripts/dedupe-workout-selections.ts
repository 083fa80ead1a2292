import 'reflect-metadata';
import { createInterface } from 'node:readline/promises';
import { runDedupeCli } from '../src/selections/dedupe/dedupe-cli';

// `npm run dedupe -- --help`; everything but the terminal wiring is in dedupe-cli.ts.
void runDedupeCli(process.argv.slice(2), process.env, {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  isInteractive: process.stdin.isTTY === true,
  ask: async (question) => {
    const prompt = createInterface({ input: process.stdin, output: process.stdout });
    try {
      return await prompt.question(question);
    } finally {
      prompt.close();
    }
  },
  now: () => new Date(),
  workingDirectory: process.env.INIT_CWD ?? process.cwd(),
}).then((code) => {
  process.exitCode = code;
});
