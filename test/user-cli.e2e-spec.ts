import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { join, resolve } from 'node:path';
import { Logger } from '@nestjs/common';
import { hashPassword, verifyPassword } from '../src/users/password-hasher';
import type { AtomicMigrationsDataSource } from '../src/database/run-migrations';
import { openDataSource } from './support/legacy-database';
import { childEnv } from './support/server-process';
import { holdSqliteWriteLock } from './support/sqlite-lock';
import { createTestDatabase, ENGINES, TestDatabase } from './support/test-database';
import { insertUser } from './support/users';

const ROOT = resolve(__dirname, '..');
// Each test spawns the CLI (a few seconds: ts-node, the app's modules, a scrypt hash).
jest.setTimeout(60_000);

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

interface UserRow {
  id: number;
  username: string;
  password_hash: string;
}

/**
 * The account rules as an operator meets them: `npm run user:create -- ...` (its script, run
 * by node) on a real database, its exit code and words, and what the users table holds after.
 */
describe.each(ENGINES)('npm run user:create on %s', (engine) => {
  let db: TestDatabase;
  let ds: AtomicMigrationsDataSource;

  beforeEach(async () => {
    db = await createTestDatabase(engine);
    ds = await openDataSource(db);
    const quiet = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    try {
      await ds.runMigrations({ transaction: 'all' });
    } finally {
      quiet.mockRestore();
    }
  });
  afterEach(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  const userCli = (...args: string[]): Run =>
    spawnSync(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', join('scripts', 'create-user.ts'), ...args],
      { cwd: ROOT, env: childEnv({ DATABASE_URL: db.url }), encoding: 'utf8', input: '' },
    );

  const users = async () =>
    (await ds.query<UserRow[]>('SELECT id, username, password_hash FROM users ORDER BY id')).map(
      (row) => ({ ...row, id: Number(row.id) }),
    );

  /** The one user an installation has, with a known password. */
  const existingUser = async () => {
    await insertUser(ds, 'athlete', await hashPassword('first password'));
    return users();
  };

  it('creates the single user when there is none', async () => {
    const run = userCli('athlete', 'long enough 1');
    expect(run).toMatchObject({ status: 0, stderr: '' });
    const [user, ...others] = await users();
    expect(others).toEqual([]);
    expect(run.stdout).toBe(
      `Created user "athlete" (id ${user.id}). Log in with it in the planner.\n`,
    );
    expect(user.username).toBe('athlete');
    expect((await verifyPassword('long enough 1', user.password_hash)).valid).toBe(true);
  });

  it('refuses a second user with exit 1 and writes nothing', async () => {
    const before = await existingUser();
    const run = userCli('second', 'long enough 2');
    expect(run).toMatchObject({
      status: 1,
      stdout: '',
      stderr:
        'Refused: A user already exists. This is a single-user app; ' +
        'use --update to change the password.\n',
    });
    expect(await users()).toEqual(before);
  });

  it('refuses passwords under 8 characters, on create and on --update; 8 will do', async () => {
    const short = userCli('athlete', '1234567');
    expect(short).toMatchObject({
      status: 1,
      stderr: 'Refused: Password must be at least 8 characters long\n',
    });
    expect(await users()).toEqual([]);

    expect(userCli('athlete', '12345678').status).toBe(0);
    const [created] = await users();
    expect((await verifyPassword('12345678', created.password_hash)).valid).toBe(true);

    const update = userCli('--update', 'athlete', '1234567');
    expect(update).toMatchObject({
      status: 1,
      stderr: 'Refused: Password must be at least 8 characters long\n',
    });
    expect(await users()).toEqual([created]);
  });

  it('refuses --update of an unknown user with exit 1 and writes nothing', async () => {
    const before = await existingUser();
    const run = userCli('--update', 'nobody', 'long enough 3');
    expect(run).toMatchObject({ status: 1, stderr: 'Refused: User "nobody" not found\n' });
    expect(await users()).toEqual(before);
  });

  it('--update changes the password of the user', async () => {
    const [before] = await existingUser();
    const run = userCli('--update', 'athlete', 'second password');
    expect(run).toMatchObject({ status: 0, stdout: 'Password of "athlete" updated.\n' });
    const [after] = await users();
    expect(after.id).toBe(before.id);
    expect((await verifyPassword('second password', after.password_hash)).valid).toBe(true);
    expect((await verifyPassword('first password', after.password_hash)).valid).toBe(false);
  });

  // A request gives up on another process's lock after 3 s; a command has nothing else to do.
  if (engine === 'sqlite') {
    it("--update waits for another process's write lock, however long, then writes", async () => {
      const [before] = await existingUser();
      const holder = await holdSqliteWriteLock(db.path as string, 10_000);
      const cli = spawn(
        process.execPath,
        [
          '-r',
          'ts-node/register/transpile-only',
          join('scripts', 'create-user.ts'),
          '--update',
          'athlete',
          'waited password',
        ],
        { cwd: ROOT, env: childEnv({ DATABASE_URL: db.url }), stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let output = '';
      cli.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      cli.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      let releasedFirst = false;
      void holder.released.then(() => (releasedFirst = true));
      const [status] = (await once(cli, 'exit')) as [number | null];

      expect({ status, output }).toEqual({ status: 0, output: 'Password of "athlete" updated.\n' });
      // It finished only once the lock was let go: it waited, rather than failing after 3 s.
      expect(releasedFirst).toBe(true);
      const [after] = await users();
      expect(after.password_hash).not.toBe(before.password_hash);
      expect((await verifyPassword('waited password', after.password_hash)).valid).toBe(true);
    });
  }

  it('--delete removes the user; an unknown one is refused with exit 1', async () => {
    const before = await existingUser();
    const unknown = userCli('--delete', 'nobody');
    expect(unknown).toMatchObject({ status: 1, stderr: 'Refused: User "nobody" not found\n' });
    expect(await users()).toEqual(before);

    const run = userCli('--delete', 'athlete');
    expect(run).toMatchObject({ status: 0, stdout: 'User "athlete" deleted.\n' });
    expect(await users()).toEqual([]);
  });

  it('--list shows the user and its times, never its password hash', async () => {
    const [user] = await existingUser();
    const run = userCli('--list');
    expect(run).toMatchObject({ status: 0, stderr: '' });
    expect(run.stdout).toMatch(
      new RegExp(
        `^${user.id}\\tathlete\\tcreated \\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z\\tlast login never\\n$`,
      ),
    );
    expect(run.stdout).not.toContain(user.password_hash.split('$')[1]);
  });
});
