import { once } from 'node:events';
import { connect, Socket } from 'node:net';
import { DataSource } from 'typeorm';
import { DRAIN_MAX_BYTES } from '../src/http/body-drain';
import { CSV_LIMIT_BYTES } from '../src/workout-import/workout-import.controller';
import { parseDatabaseUrl } from '../src/config/database-url';
import { buildDataSourceOptions } from '../src/database/data-source.options';
import { ServerProcess, startServerProcess } from './support/server-process';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { userToken } from './support/users';

const SECRET_KEY = 'early-answers-secret';
const MB = 1_000_000;
const TRIES = 20;
/** Tries run this many at a time: the server still answers each while others are arriving. */
const AT_ONCE = 4;
const CHUNK = 64 * 1024;
const BOUNDARY = '----early-answers-boundary';

const json = Buffer.from(`{"userNotes":"${'x'.repeat(2 * MB)}"}`);
const csv = Buffer.from(`Title,WorkoutDay\n${'Run,2026-01-05\n'.repeat((12 * MB) / 15)}`);
/** The multipart body a browser builds for a FormData with the file in field `file`. */
const multipart = Buffer.concat([
  Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="plan.csv"\r\n` +
      'Content-Type: text/csv\r\n\r\n',
  ),
  csv,
  Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
]);
const MULTIPART = `multipart/form-data; boundary=${BOUNDARY}`;

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Reads one HTTP/1.1 answer (with Content-Length, as all of this API's JSON answers) off a socket. */
function answerReader(socket: Socket): () => Promise<Answer> {
  let received = Buffer.alloc(0);
  let ended = false;
  let wake = () => undefined as void;
  socket.on('data', (chunk: Buffer) => {
    received = Buffer.concat([received, chunk]);
    wake();
  });
  socket.on('close', () => {
    ended = true;
    wake();
  });
  return async () => {
    for (;;) {
      const headEnd = received.indexOf('\r\n\r\n');
      if (headEnd >= 0) {
        const [statusLine, ...lines] = received
          .subarray(0, headEnd)
          .toString('latin1')
          .split('\r\n');
        const headers = Object.fromEntries(
          lines.map((line) => {
            const colon = line.indexOf(':');
            return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()];
          }),
        );
        const length = Number(headers['content-length']);
        if (received.length >= headEnd + 4 + length) {
          const body = received.subarray(headEnd + 4, headEnd + 4 + length).toString('utf8');
          received = received.subarray(headEnd + 4 + length);
          return { status: Number(statusLine.split(' ')[1]), headers, body };
        }
      }
      if (ended)
        throw new Error(`connection closed before a whole answer: ${received.length} bytes`);
      await new Promise<void>((resolve) => (wake = resolve));
    }
  };
}

interface RawExchange {
  socket: Socket;
  /** Resolves when the connection has closed. */
  closed: Promise<void>;
  /** Bytes of the body this side wrote before it stopped (all of it, unless cut off). */
  written: number;
  readAnswer: () => Promise<Answer>;
}

/**
 * Writes a request over a new connection the way many HTTP clients upload: the head, then the
 * body in 64 KiB chunks, each once the socket has taken the last, and only then looks at the
 * answer. A broken connection rejects; with `untilClosed` it only ends the writing.
 */
async function rawSend(
  url: string,
  head: string,
  body: { length: number; chunk: (offset: number) => Buffer },
  untilClosed = false,
): Promise<RawExchange> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  socket.on('error', () => undefined); // the awaited `once` calls below report it
  await once(socket, 'connect');
  const readAnswer = answerReader(socket);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.write(head);
  let written = 0;
  try {
    while (written < body.length && !socket.destroyed) {
      const chunk = body.chunk(written).subarray(0, body.length - written);
      written += chunk.length;
      if (!socket.write(chunk)) await Promise.race([once(socket, 'drain'), closed]);
    }
  } catch (error) {
    if (!untilClosed) throw error;
  }
  return { socket, closed, written, readAnswer };
}

const bytes = (buffer: Buffer) => ({
  length: buffer.length,
  chunk: (offset: number) => buffer.subarray(offset, offset + CHUNK),
});

/** `count` tries of `attempt`, AT_ONCE at a time; what each gave, or how it broke. */
async function tries<T>(count: number, attempt: () => Promise<T>): Promise<(T | string)[]> {
  const results: (T | string)[] = [];
  for (let done = 0; done < count; done += AT_ONCE) {
    const batch = Array.from({ length: Math.min(AT_ONCE, count - done) }, () =>
      attempt().catch((error: Error & { cause?: { code?: string } }) => {
        return `broken: ${error.cause?.code ?? (error as NodeJS.ErrnoException).code ?? error.message}`;
      }),
    );
    results.push(...(await Promise.all(batch)));
  }
  return results;
}

const jsonOf = (answer: Answer) => ({
  status: answer.status,
  type: answer.headers['content-type'],
  body: JSON.parse(answer.body) as unknown,
});

/**
 * Answers given before a request's body has arrived (contract A.2: limits, media types, login)
 * must reach a client that is still sending, not a reset connection. Against a server in its
 * own process: in one process, client and server take turns on one event loop and the reset
 * hardly ever wins the race. One engine: these answers are given before anything reaches the
 * database.
 */
describe('answers given before the body is read', () => {
  let db: TestDatabase;
  let server: ServerProcess;
  let token: string;

  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    server = await startServerProcess({ DATABASE_URL: db.url, SECRET_KEY });
    const ds = await new DataSource(buildDataSourceOptions(parseDatabaseUrl(db.url))).initialize();
    try {
      token = await userToken(ds, SECRET_KEY);
    } finally {
      await ds.destroy();
    }
  });
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
  });

  const head = (method: string, path: string, headers: Record<string, string | number>) =>
    `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
    Object.entries(headers)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('') +
    '\r\n';

  const cases: {
    name: string;
    method: string;
    path: string;
    type: string;
    body: Buffer;
    authorized: boolean;
    status: number;
    error: string;
  }[] = [
    {
      name: 'a 2 MB JSON selection (limit 1 MiB)',
      method: 'PUT',
      path: '/api/selections/1',
      type: 'application/json',
      body: json,
      authorized: true,
      status: 413,
      error: 'Request body is too large',
    },
    {
      name: 'a 12 MB CSV import as multipart (limit 10 MiB)',
      method: 'POST',
      path: '/api/workouts/import',
      type: MULTIPART,
      body: multipart,
      authorized: true,
      status: 413,
      error: 'CSV file is larger than 10 MiB',
    },
    {
      name: 'a 12 MB CSV import as text/csv (limit 10 MiB)',
      method: 'POST',
      path: '/api/workouts/import',
      type: 'text/csv',
      body: csv,
      authorized: true,
      status: 413,
      error: 'Request body is too large',
    },
    {
      name: 'a 12 MB CSV import without a token',
      method: 'POST',
      path: '/api/workouts/import',
      type: MULTIPART,
      body: multipart,
      authorized: false,
      status: 401,
      error: 'Token is missing',
    },
    {
      name: 'a 2 MB text/plain selection',
      method: 'PUT',
      path: '/api/selections/1',
      type: 'text/plain',
      body: json,
      authorized: true,
      status: 415,
      error: 'Content-Type must be application/json',
    },
    {
      name: 'a 12 MB file to a path that does not exist',
      method: 'POST',
      path: '/api/uploads',
      type: 'application/octet-stream',
      body: csv,
      authorized: true,
      status: 404,
      error: 'Not found: /api/uploads',
    },
    {
      name: 'a 12 MB file with a method the path does not take',
      method: 'POST',
      path: '/api/health',
      type: MULTIPART,
      body: multipart,
      authorized: true,
      status: 405,
      error: 'Method POST not allowed on /api/health',
    },
  ];

  describe.each(cases)('$name', (c) => {
    const expected = {
      status: c.status,
      type: 'application/json; charset=utf-8',
      body: { error: c.error },
    };

    it(`is answered ${c.status} to each of ${TRIES} fetch calls`, async () => {
      const answers = await tries(TRIES, async () => {
        const res = await fetch(`${server.url}${c.path}`, {
          method: c.method,
          headers: {
            'content-type': c.type,
            ...(c.authorized ? { authorization: `Bearer ${token}` } : {}),
          },
          body: c.body,
        });
        return {
          status: res.status,
          type: res.headers.get('content-type'),
          body: await res.json(),
        };
      });
      expect(answers).toEqual(Array(TRIES).fill(expected));
    });

    it(`is answered ${c.status} to each of ${TRIES} raw uploads that read only after sending it all; the connection then serves the next request`, async () => {
      const answers = await tries(TRIES, async () => {
        const headers: Record<string, string | number> = {
          'content-type': c.type,
          'content-length': c.body.length,
        };
        if (c.authorized) headers.authorization = `Bearer ${token}`;
        const { socket, readAnswer } = await rawSend(
          server.url,
          head(c.method, c.path, headers),
          bytes(c.body),
        );
        try {
          const answer = jsonOf(await readAnswer());
          socket.write(head('GET', '/api/health', {}));
          const next = await readAnswer();
          return { answer, next: next.status };
        } finally {
          socket.destroy();
        }
      });
      expect(answers).toEqual(Array(TRIES).fill({ answer: expected, next: 200 }));
    });
  });

  it(`answers 413 to each of ${TRIES} raw uploads that ask to close the connection, and closes it once the body is in`, async () => {
    const answers = await tries(TRIES, async () => {
      const { socket, closed, readAnswer } = await rawSend(
        server.url,
        head('POST', '/api/workouts/import', {
          authorization: `Bearer ${token}`,
          'content-type': 'text/csv',
          'content-length': csv.length,
          connection: 'close',
        }),
        bytes(csv),
      );
      try {
        const answer = jsonOf(await readAnswer());
        await closed; // by the server: this side waits
        return answer;
      } finally {
        socket.destroy();
      }
    });
    expect(answers).toEqual(
      Array(TRIES).fill({
        status: 413,
        type: 'application/json; charset=utf-8',
        body: { error: 'Request body is too large' },
      }),
    );
  });

  describe('the frontend (contract §4 row 14)', () => {
    /** `apiCall` as the contract describes it: no Content-Type for FormData, the token, a 5 s abort. */
    async function apiCall(path: string, options: { method: string; body: FormData }) {
      const controller = new AbortController();
      const timeout = setTimeout(() => controller.abort(), 5000);
      try {
        return await fetch(`${server.url}${path}`, {
          ...options,
          headers: { Authorization: `Bearer ${token}` },
          signal: controller.signal,
        });
      } finally {
        clearTimeout(timeout);
      }
    }

    it(`shows "CSV file is larger than 10 MiB" for a 12 MB file, ${TRIES} times out of ${TRIES}`, async () => {
      const file = new Blob([csv], { type: 'text/csv' });
      const shown = await tries(TRIES, async () => {
        const form = new FormData();
        form.append('file', file, 'plan.csv');
        const response = await apiCall('/api/workouts/import', { method: 'POST', body: form });
        if (response.ok) return 'imported';
        const data = (await response.json()) as { error?: string };
        return data.error;
      });
      expect(shown).toEqual(Array(TRIES).fill('CSV file is larger than 10 MiB'));
    });
  });

  describe('what the server reads of a refused body is bounded', () => {
    const GiB = 1024 ** 3;
    const filler = Buffer.alloc(CHUNK, 'x');
    /** What the kernels of both ends may hold on loopback beyond what the server has read. */
    const SOCKET_BUFFERS = 32 * MB;

    it.each([
      ['a 1 GiB JSON selection', 413, 'PUT', '/api/selections/1', 'application/json', true],
      ['a 1 GiB upload without a token', 401, 'POST', '/api/workouts/import', 'text/csv', false],
      ['a 1 GiB multipart file', 413, 'POST', '/api/workouts/import', MULTIPART, true],
    ] as const)(
      '%s is answered %i, then cut after a bounded read',
      async (_name, status, method, path, type, authorized) => {
        const headers: Record<string, string | number> = {
          'content-type': type,
          'content-length': GiB,
        };
        if (authorized) headers.authorization = `Bearer ${token}`;
        // The multipart file's head, then its endless content.
        const start = type === MULTIPART ? multipart.subarray(0, multipart.indexOf('Title')) : null;
        const { socket, written, readAnswer } = await rawSend(
          server.url,
          head(method, path, headers),
          {
            length: GiB,
            chunk: (offset) => (offset === 0 && start ? start : filler),
          },
          true,
        );
        expect((await readAnswer()).status).toBe(status);
        expect(socket.destroyed).toBe(true);
        expect(written).toBeLessThan(CSV_LIMIT_BYTES + DRAIN_MAX_BYTES + SOCKET_BUFFERS);
      },
    );

    it('a body that trickles in after a 401 is cut after a while, not read for ever', async () => {
      const { hostname, port } = new URL(server.url);
      const socket = connect(Number(port), hostname);
      socket.on('error', () => undefined);
      await once(socket, 'connect');
      const readAnswer = answerReader(socket);
      socket.write(
        head('POST', '/api/workouts/import', {
          'content-type': 'text/csv',
          'transfer-encoding': 'chunked',
        }),
      );
      const closed = new Promise((resolve) => socket.once('close', resolve));
      const drip = setInterval(() => socket.write('1\r\nx\r\n'), 50);
      try {
        expect((await readAnswer()).status).toBe(401);
        await closed; // by the server: the client would drip for ever
      } finally {
        clearInterval(drip);
      }
    });
  });
});
