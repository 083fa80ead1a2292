import request from 'supertest';
import { MIGRATIONS } from '../migrations';
import { ApiDocument } from './support/openapi';
import { parsePrometheus, Sample, valueOf } from './support/prometheus';
import { seedWorkouts } from './support/seed';
import { server, startTestApp, TestApp } from './support/test-app';
import { ENGINES } from './support/test-database';

const METRICS_TOKEN = 'scrape-secret-for-tests';
const ROUTE = '/api/selections/:workoutId';

describe.each(ENGINES)('GET /api/metrics on %s', (engine) => {
  it('is off (404) without METRICS_TOKEN, even with a login token', async () => {
    const t = await startTestApp(engine);
    try {
      const res = await t.http.get('/api/metrics').expect(404);
      expect(res.body).toEqual({ error: 'Metrics are off: set METRICS_TOKEN to serve them' });
    } finally {
      await t.close();
    }
  });

  describe('with METRICS_TOKEN', () => {
    let t: TestApp;
    let doc: ApiDocument;
    beforeAll(async () => {
      t = await startTestApp(engine, { METRICS_TOKEN });
      doc = await ApiDocument.fetch(server(t));
    });
    afterAll(() => t.close());

    const scrape = async (): Promise<Sample[]> => {
      const res = await request(server(t))
        .get('/api/metrics')
        .set('Authorization', `Bearer ${METRICS_TOKEN}`)
        .expect(200)
        .expect(doc.check);
      expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      return parsePrometheus(res.text);
    };

    it.each([
      ['no token', undefined],
      ['a wrong token', `Bearer ${METRICS_TOKEN}x`],
      ['the login token', 'login'],
    ])('answers 401 to %s', async (_name, authorization) => {
      const req = request(server(t)).get('/api/metrics');
      if (authorization) {
        req.set('Authorization', authorization === 'login' ? `Bearer ${t.token}` : authorization);
      }
      const res = await req.expect(401).expect(doc.check);
      expect(res.body).toEqual({ error: 'The metrics token is missing or wrong' });
    });

    it('counts parallel selection writes by outcome and times them under the route template', async () => {
      const before = await scrape();
      const ids = await seedWorkouts(t, 10);
      const statuses = (
        await Promise.all([
          ...ids.map((id, i) => t.http.put(`/api/selections/${id}`).send({ userNotes: `n${i}` })),
          t.http.put('/api/selections/987654321').send({ timeOfDay: 'morning' }),
          t.http.put(`/api/selections/${ids[0]}`).send({ timeOfDay: 42 }),
        ])
      ).map((res) => res.status);
      expect(statuses.sort()).toEqual([...ids.map(() => 200), 400, 404]);

      const after = await scrape();
      const delta = (name: string, labels: Record<string, string>) =>
        valueOf(after, name, labels) - valueOf(before, name, labels);
      expect(delta('selection_writes_total', { outcome: 'ok' })).toBe(10);
      expect(delta('selection_writes_total', { outcome: 'not_found' })).toBe(1);
      expect(delta('selection_writes_total', { outcome: 'invalid' })).toBe(1);
      expect(delta('selection_writes_total', { outcome: 'busy' })).toBe(0);
      const count = (status: string) =>
        delta('http_request_duration_seconds_count', {
          method: 'PUT',
          route: ROUTE,
          status_code: status,
        });
      expect([count('200'), count('404'), count('400')]).toEqual([10, 1, 1]);
      // Buckets are cumulative: the +Inf bucket holds every request of the series.
      expect(
        delta('http_request_duration_seconds_bucket', {
          method: 'PUT',
          route: ROUTE,
          status_code: '200',
          le: '+Inf',
        }),
      ).toBe(10);
      // Ids never become labels.
      expect(after.filter((s) => /\/api\/selections\/\d/.test(s.labels.route ?? ''))).toEqual([]);
    });

    it('shows the database, the migrations and the process', async () => {
      const samples = await scrape();
      expect(valueOf(samples, 'migrations_applied')).toBe(MIGRATIONS.length);
      expect(valueOf(samples, 'db_unavailable_total')).toBe(0);
      expect(valueOf(samples, 'process_resident_memory_bytes')).toBeGreaterThan(10_000_000);
      expect(samples.some((s) => s.name === 'nodejs_eventloop_lag_seconds')).toBe(true);
      const pool = samples.filter((s) => s.name === 'db_pool_connections');
      if (engine === 'postgres') {
        expect(pool.map((s) => s.labels.state).sort()).toEqual(['busy', 'idle', 'waiting']);
        expect(valueOf(samples, 'db_pool_connections', { state: 'idle' })).toBeGreaterThan(0);
      } else {
        expect(pool).toEqual([]);
      }
    });
  });
});
