import { createInterface } from 'node:readline/promises';

// What every command shares with the terminal: exit codes, output, confirmation. Nothing of
// Nest or of the app: a command that needs the app's services gets them from cli.module.ts.

/** Exit codes of every command of this project. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** What a command may do with the terminal: replaced in specs. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

/** A command that may ask before it changes something. */
export interface InteractiveIo extends CliIo {
  /** True when a person can answer a question on stdin. */
  isInteractive: boolean;
  ask(question: string): Promise<string>;
}

export const terminal: InteractiveIo = {
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
};

/**
 * Asks before a command changes the database: yes with `--yes`, or a `y` typed on a terminal.
 * Without a terminal it refuses instead of waiting for an answer that never comes.
 */
export async function confirm(
  io: InteractiveIo,
  ask: { command: string; yes: boolean; question: string; rerun: string },
): Promise<boolean> {
  if (ask.yes) return true;
  if (!io.isInteractive) {
    io.err(
      `${ask.command}: refusing to change the database without confirmation: stdin is not a ` +
        `terminal. ${ask.rerun}`,
    );
    return false;
  }
  if (/^y(es)?$/i.test((await io.ask(`${ask.question} (y/N) `)).trim())) return true;
  io.err('Aborted; nothing was changed.');
  return false;
}

/**
 * The entry point of a `scripts/*.ts` command: runs it and exits with its code; an unexpected
 * failure is one line on stderr and exit 1.
 */
export function runCommand(command: () => Promise<ExitCode>): void {
  command().then(exitAfterOutput, (error: unknown) => {
    console.error(`Failed: ${(error as Error)?.message ?? String(error)}`);
    exitAfterOutput(EXIT.failed);
  });
}

/**
 * `process.exit` drops what is still queued for a pipe (a long `--dry-run` piped into `less` or
 * read by a parent process lost its end); an empty write's callback runs once all before it left.
 */
function exitAfterOutput(code: ExitCode): void {
  process.exitCode = code;
  let pending = 2;
  const done = () => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}
