/**
 * The benchmark's yardstick: a bare node:http server that does nothing but the selection upsert
 * statement with the same driver as the app (no framework, validation, logging or transaction).
 * Usage: DATABASE_URL=... PORT=... node -r ts-node/register/transpile-only bench/baseline-server.ts
 */
import Database from 'better-sqlite3';
import { createServer, IncomingMessage } from 'node:http';
import { Pool } from 'pg';
import { parseDatabaseUrl } from '../src/config/database-url';

const COLUMNS: Record<string, string> = {
  currentPlanDay: 'current_plan_day',
  timeOfDay: 'time_of_day',
  workoutLocation: 'workout_location',
  userNotes: 'user_notes',
};

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  let body = '';
  for await (const chunk of request) body += String(chunk);
  return JSON.parse(body || '{}') as Record<string, unknown>;
}

const sql = (column: string, p: (n: number) => string) =>
  `INSERT INTO workout_selections (workout_id, ${column}, is_selected, updated_at) VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}) ` +
  `ON CONFLICT (workout_id) DO UPDATE SET ${column} = excluded.${column}, updated_at = excluded.updated_at RETURNING *`;

function main(): void {
  const target = parseDatabaseUrl(process.env.DATABASE_URL);
  let upsert: (id: number, column: string, value: unknown) => Promise<unknown>;
  if (target.engine === 'sqlite') {
    const db = new Database(target.path, { timeout: 5000 });
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    const statements = new Map(
      Object.values(COLUMNS).map((column) => [column, db.prepare(sql(column, () => '?'))]),
    );
    upsert = (id, column, value) =>
      Promise.resolve(statements.get(column)!.get(id, value, 1, new Date().toISOString()));
  } else {
    const pool = new Pool({ connectionString: target.url, max: 10 });
    upsert = async (id, column, value) =>
      (
        await pool.query<Record<string, unknown>>({
          name: column,
          text: sql(column, (n) => `$${n}`),
          values: [id, value, true, new Date().toISOString()],
        })
      ).rows[0];
  }
  const server = createServer((request, response) => {
    const id = Number(/\/api\/selections\/(\d+)/.exec(request.url ?? '')?.[1]);
    readJson(request)
      .then((body) => {
        const [key, value] = Object.entries(body)[0];
        return upsert(id, COLUMNS[key], value);
      })
      .then((row) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify(row));
      })
      .catch((error: unknown) => {
        response.writeHead(500);
        response.end(String(error));
      });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(Number(process.env.PORT), '127.0.0.1');
}

main();
