import request from 'supertest';
import { addDays, todayIn } from '../src/shared/dates';
import { RouteTable } from '../src/http/route-table';
import { FakeOpenMeteo } from './support/fake-open-meteo';
import { ApiDocument } from './support/openapi';
import { ENGINES } from './support/test-database';
import { server, startTestApp, TestApp } from './support/test-app';

/** Swagger UI's own files (its init script, index.html, …): the UI, not the API. */
const isSwaggerUiFile = (url: string) => url.startsWith('/api/docs/');

/** A concrete path for a documented one: a value each parameter's schema takes. */
const concrete = (path: string) =>
  path.replace(/\{date\}/g, '2026-01-05').replace(/\{[^}]+\}/g, '1');

describe.each(ENGINES)('the API document on %s', (engine) => {
  let t: TestApp;
  let doc: ApiDocument;
  const anonymous = () => request(server(t));

  beforeAll(async () => {
    t = await startTestApp(engine);
    doc = await ApiDocument.fetch(server(t));
  });
  afterAll(() => t.close());

  it('is OpenAPI 3 JSON, served without a token, as it documents itself', async () => {
    const res = await anonymous().get('/api/openapi.json').expect(200).expect(doc.check);
    expect(res.body.openapi).toMatch(/^3\./);
    expect(res.body.components.securitySchemes.bearer).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
  });

  it('documents every route Nest registered, and none it did not', () => {
    const key = (method: string, path: string) => `${method} ${path}`;
    const registered = new Set(
      t.app
        .get(RouteTable)
        .routes()
        .filter(({ method, url }) => method !== 'HEAD' && !isSwaggerUiFile(url))
        .map(({ method, url }) => key(method, url.replace(/:(\w+)/g, '{$1}'))),
    );
    const documented = doc.operations().map(({ method, path }) => key(method, path));
    expect(documented.filter((route) => !registered.has(route))).toEqual([]);
    expect([...registered].filter((route) => !documented.includes(route))).toEqual([]);
    expect(documented.length).toBeGreaterThan(20);
  });

  it('says which routes need the login token exactly as the request gate decides', async () => {
    const publicRoutes: string[] = [];
    for (const { method, path, operation } of doc.operations()) {
      const route = `${method} ${path}`;
      const res = await anonymous()[method.toLowerCase() as 'get'](concrete(path));
      // Every answer without a token is a documented one: 401s, and the public routes' answers.
      doc.check(res);
      const needsToken = operation.security === undefined;
      const refused = res.status === 401 && res.body.error === 'Token is missing';
      expect({ route, refused }).toEqual({ route, refused: needsToken });
      if (!needsToken) {
        // No login token; the metrics route names its own scheme (METRICS_TOKEN).
        expect(operation.security).toEqual(route === 'GET /api/metrics' ? [{ metrics: [] }] : []);
        publicRoutes.push(route);
      }
    }
    expect(publicRoutes.sort()).toEqual([
      'GET /api/calendar.ics',
      'GET /api/docs',
      'GET /api/health',
      'GET /api/metrics',
      'GET /api/openapi.json',
      'GET /api/weekly-targets',
      'POST /api/auth/login',
      'POST /api/auth/register',
    ]);
  });

  it('describes the answers of the routes the contract walk does not call', async () => {
    const created = await t.http
      .post('/api/workouts')
      .send({ originallyPlannedDay: '2026-01-05', title: 'Easy run' })
      .expect(201)
      .expect(doc.check);
    const workout = `/api/workouts/${created.body.id}`;
    const selection = `/api/selections/${created.body.id}`;
    await t.http.post(selection).send({ userNotes: 'hills' }).expect(200).expect(doc.check);
    await t.http.get(workout).expect(200).expect(doc.check);
    await t.http.get('/api/stats').expect(200).expect(doc.check);
    await t.http.get('/api/auth/me').expect(200).expect(doc.check);
    await t.http.get('/api/workouts/abc').expect(400).expect(doc.check);
    await t.http.put(workout).send({ title: null }).expect(400).expect(doc.check);
    await t.http
      .put(workout)
      .set('Content-Type', 'text/plain')
      .send('tss=1')
      .expect(415)
      .expect(doc.check);
    const csv = await t.http
      .post('/api/workouts/import')
      .set('Content-Type', 'text/csv')
      .send('Title,WorkoutDay\r\nTempo,2026-01-06\r\nLong run,someday\r\n')
      .expect(201)
      .expect(doc.check);
    expect(csv.body.skipped).toHaveLength(1);
    await t.http
      .post('/api/workouts/import')
      .set('Content-Type', 'text/csv')
      .send(' ')
      .expect(400)
      .expect(doc.check);
    await t.http.post('/api/export/calendar').send({}).expect(400).expect(doc.check);
    // No CalDAV server configured here.
    await t.http
      .post('/api/export/calendar')
      .send({ startDate: '2026-01-05', endDate: '2026-01-11' })
      .expect(500)
      .expect(doc.check);
    await t.http.get('/api/tri-club-schedule').expect(200).expect(doc.check);
    await t.http.delete(selection).expect(200).expect(doc.check);
    await t.http.delete(workout).expect(200).expect(doc.check);
    await t.http.delete(workout).expect(404).expect(doc.check);
    await t.http.delete(selection).expect(404).expect(doc.check);
  });

  it('documents the feed token query and the iCalendar answer', () => {
    const feed = doc.document.paths['/api/calendar.ics'].get;
    expect(feed.parameters).toEqual([
      expect.objectContaining({ name: 'token', in: 'query', required: true }),
    ]);
    expect(Object.keys(feed.responses['200'].content ?? {})).toEqual(['text/calendar']);
  });

  it('documents the limits of the shared text validator', () => {
    const selection = doc.document.components.schemas.UpsertSelectionDto;
    expect(selection.properties).toMatchObject({
      timeOfDay: { type: 'string', minLength: 1, maxLength: 50, nullable: true },
      userNotes: { type: 'string', maxLength: 10000, nullable: true },
      isSelected: { type: 'boolean' },
    });
    expect(selection.additionalProperties).toBe(false);
  });

  it('serves Swagger UI without a token, under the API CSP (no inline script)', async () => {
    const page = await anonymous().get('/api/docs').expect(200).expect(doc.check);
    expect(page.text).toContain('swagger-ui-bundle.js');
    expect(page.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>\s*\S/);
    const csp = page.headers['content-security-policy'];
    expect(csp).toContain("default-src 'self'");
    expect(csp).toMatch(/script-src 'self';/);
    for (const file of ['swagger-ui-bundle.js', 'swagger-ui.css', 'swagger-ui-init.js']) {
      await anonymous().get(`/api/docs/${file}`).expect(200);
    }
    const init = await anonymous().get('/api/docs/swagger-ui-init.js').expect(200);
    expect(init.text).toContain('"/api/workouts/{id}"');
  });
});

// Weather touches no database: one engine is enough.
describe('the API document and the weather answers', () => {
  const fake = new FakeOpenMeteo();
  const zone = 'America/Chicago';
  let t: TestApp;
  let doc: ApiDocument;

  beforeAll(async () => {
    await fake.start();
    t = await startTestApp('sqlite', { WEATHER_BASE_URL: fake.url, WEATHER_TIMEZONE: zone });
    doc = await ApiDocument.fetch(server(t));
  });
  afterAll(async () => {
    await t.close();
    await fake.stop();
  });

  it('describes the forecasts, and the answers beyond their range', async () => {
    const today = todayIn(zone);
    await t.http.get('/api/weather').expect(200).expect(doc.check);
    await t.http
      .get(`/api/weather/${addDays(today, 2)}`)
      .expect(200)
      .expect(doc.check);
    await t.http
      .get(`/api/weather/by-time-of-day/${addDays(today, 1)}`)
      .expect(200)
      .expect(doc.check);
    await t.http
      .get(`/api/weather/${addDays(today, 17)}`)
      .expect(503)
      .expect(doc.check);
    await t.http.get('/api/weather/2026-02-30').expect(400).expect(doc.check);
    fake.answer = (url) => ({ body: { error: true, reason: `no ${url.pathname}` }, status: 400 });
    await t.http
      .get(`/api/weather/${addDays(today, 3)}`)
      .expect(503)
      .expect(doc.check);
  });
});
