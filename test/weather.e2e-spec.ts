import { addDays, todayIn } from '../src/shared/dates';
import { FakeOpenMeteo, forecastFor } from './support/fake-open-meteo';
import { startTestApp, TestApp } from './support/test-app';

const TZ = 'America/Chicago';
const TIMEOUT_MS = 400;

// Weather touches no database: one engine is enough.
describe('weather API', () => {
  const fake = new FakeOpenMeteo();
  let t: TestApp;
  let today: string;

  beforeAll(async () => {
    await fake.start();
    t = await startTestApp('sqlite', {
      WEATHER_BASE_URL: fake.url,
      WEATHER_TIMEZONE: TZ,
      WEATHER_TIMEOUT_MS: String(TIMEOUT_MS),
      WEATHER_LATITUDE: '41.5',
      WEATHER_LONGITUDE: '-87.25',
    });
  });
  afterAll(async () => {
    await t.close();
    await fake.stop();
  });
  beforeEach(() => {
    fake.reset();
    today = todayIn(TZ);
  });

  /** A date no other test asks for, so the server cache does not interfere. */
  let offset = 0;
  const freshDate = () => addDays(today, -++offset - 30);

  describe('GET /api/weather/:date', () => {
    it('returns the day with the configured upstream query', async () => {
      const date = addDays(today, 3);
      const res = await t.http.get(`/api/weather/${date}`).expect(200);
      expect(res.body).toEqual({
        date,
        temperature: 50,
        rain_probability: 10,
        windspeed: 5.5,
        weather_code: 3,
        description: 'Overcast',
      });
      const [url] = fake.requests;
      expect(Object.fromEntries(url.searchParams)).toEqual({
        latitude: '41.5',
        longitude: '-87.25',
        temperature_unit: 'fahrenheit',
        wind_speed_unit: 'mph',
        timezone: TZ,
        start_date: date,
        end_date: date,
        daily:
          'apparent_temperature_max,precipitation_probability_max,windspeed_10m_max,weather_code',
      });
    });

    it('accepts today + 16 and refuses today + 17 with 503 without calling upstream', async () => {
      await t.http.get(`/api/weather/${addDays(today, 16)}`).expect(200);
      const beyond = addDays(today, 17);
      const res = await t.http.get(`/api/weather/${beyond}`).expect(503);
      expect(res.body.error).toBe(
        `Forecast date ${beyond} is beyond the 16-day forecast range. ` +
          `Weather forecasts are only available through ${addDays(today, 16)}.`,
      );
      expect(fake.callsFor(beyond, 'daily')).toBe(0);
    });

    it.each(['2026-02-30', '2026-1-5', '20260105', 'tomorrow'])('date %s is 400', async (date) => {
      const res = await t.http.get(`/api/weather/${date}`).expect(400);
      expect(res.body.error).toMatch(/^Invalid date format\. Use ISO format \(YYYY-MM-DD\)/);
      expect(fake.requests).toHaveLength(0);
    });

    it('upstream nulls become null fields', async () => {
      const date = freshDate();
      fake.answer = () => ({
        body: {
          daily: {
            time: [date],
            apparent_temperature_max: [null],
            precipitation_probability_max: [null],
            windspeed_10m_max: [4.2],
            weather_code: [null],
          },
        },
      });
      const res = await t.http.get(`/api/weather/${date}`).expect(200);
      expect(res.body).toEqual({
        date,
        temperature: null,
        rain_probability: null,
        windspeed: 4.2,
        weather_code: null,
        description: 'No data',
      });
    });

    it('empty upstream data is 503 "No forecast data available"', async () => {
      const date = freshDate();
      fake.answer = () => ({ body: { daily: { time: [] } } });
      const res = await t.http.get(`/api/weather/${date}`).expect(503);
      expect(res.body.error).toBe(`No forecast data available for ${date}`);
    });
  });

  describe('GET /api/weather/by-time-of-day/:date', () => {
    it('buckets the hourly values into morning, afternoon and evening', async () => {
      const date = addDays(today, 1);
      const res = await t.http.get(`/api/weather/by-time-of-day/${date}`).expect(200);
      expect(res.body).toEqual({
        date,
        morning: {
          temperature: 8,
          rain_probability: 22,
          windspeed: 4,
          weather_code: 0,
          description: 'Clear sky',
        },
        afternoon: {
          temperature: 14,
          rain_probability: 32,
          windspeed: 7,
          weather_code: 61,
          description: 'Slight rain',
        },
        evening: {
          temperature: 18.5,
          rain_probability: 40,
          windspeed: 9.3,
          weather_code: 95,
          description: 'Thunderstorm',
        },
      });
      expect(fake.requests[0].searchParams.get('hourly')).toBe(
        'apparent_temperature,precipitation_probability,windspeed_10m,weather_code',
      );
    });

    it('accepts today + 7 and refuses today + 8 with 503', async () => {
      await t.http.get(`/api/weather/by-time-of-day/${addDays(today, 7)}`).expect(200);
      const beyond = addDays(today, 8);
      const res = await t.http.get(`/api/weather/by-time-of-day/${beyond}`).expect(503);
      expect(res.body.error).toBe(
        `Forecast date ${beyond} is beyond the 7-day hourly forecast range. ` +
          `Time-of-day weather forecasts are only available through ${addDays(today, 7)}.`,
      );
    });

    it('null hours are skipped and an all-null bucket is "No data", not a 500', async () => {
      const date = freshDate();
      const time = Array.from({ length: 24 }, (_, h) => `${date}T${String(h).padStart(2, '0')}:00`);
      fake.answer = () => ({
        body: {
          hourly: {
            time,
            apparent_temperature: time.map((_, h) => (h === 12 ? 70 : null)),
            precipitation_probability: time.map(() => null),
            windspeed_10m: time.map((_, h) => (h >= 12 ? 3 : null)),
            weather_code: time.map((_, h) => (h >= 17 ? 2 : null)),
          },
        },
      });
      const res = await t.http.get(`/api/weather/by-time-of-day/${date}`).expect(200);
      expect(res.body.morning).toEqual({
        temperature: null,
        rain_probability: null,
        windspeed: null,
        weather_code: null,
        description: 'No data',
      });
      expect(res.body.afternoon).toEqual({
        temperature: 70,
        rain_probability: null,
        windspeed: 3,
        weather_code: null,
        description: 'No data',
      });
      expect(res.body.evening.weather_code).toBe(2);
    });

    it('400 for a bad date', async () => {
      const res = await t.http.get('/api/weather/by-time-of-day/2026-13-01').expect(400);
      expect(res.body.error).toMatch(/Invalid date format/);
    });
  });

  describe('GET /api/weather (range)', () => {
    it('defaults to today through today + 7', async () => {
      const res = await t.http.get('/api/weather').expect(200);
      expect(res.body.dates).toHaveLength(8);
      expect(res.body.dates[0]).toBe(today);
      expect(res.body.dates[7]).toBe(addDays(today, 7));
      expect(res.body).toMatchObject({
        latitude: 41.8,
        longitude: -87.6,
        timezone: TZ,
        temperatures: [50, 51, 52, 53, 54, 55, 56, 57],
        rain_probability: [10, 20, 30, 40, 50, 60, 70, 80],
        windspeed: Array(8).fill(5.5),
        weather_codes: Array(8).fill(3),
      });
    });

    it('takes start_date and end_date, checks both against today + 16', async () => {
      const start = addDays(today, 2);
      const res = await t.http
        .get('/api/weather')
        .query({ start_date: start, end_date: addDays(today, 4) })
        .expect(200);
      expect(res.body.dates).toEqual([start, addDays(today, 3), addDays(today, 4)]);
      const far = await t.http
        .get('/api/weather')
        .query({ start_date: start, end_date: addDays(today, 17) })
        .expect(503);
      expect(far.body.error).toMatch(/beyond the 16-day forecast range/);
    });

    it('400 for a bad or reversed range', async () => {
      const bad = await t.http.get('/api/weather').query({ start_date: '2026-02-30' }).expect(400);
      expect(bad.body.error).toMatch(/Invalid date format.*start_date/);
      const reversed = await t.http
        .get('/api/weather')
        .query({ start_date: addDays(today, 3), end_date: addDays(today, 1) })
        .expect(400);
      expect(reversed.body.error).toBe('start_date must be before or equal to end_date');
    });
  });

  describe('upstream failures', () => {
    it('503 when the upstream answers 500, and the failure is not cached', async () => {
      const date = freshDate();
      fake.answer = () => ({ status: 500, body: { error: true, reason: 'boom' } });
      const res = await t.http.get(`/api/weather/by-time-of-day/${date}`).expect(503);
      expect(res.body.error).toBe(
        'Failed to fetch weather data: the weather service answered HTTP 500',
      );
      fake.reset();
      await t.http.get(`/api/weather/by-time-of-day/${date}`).expect(200);
      expect(fake.callsFor(date, 'hourly')).toBe(1);
    });

    it('503 when the upstream does not answer within the timeout', async () => {
      const date = freshDate();
      fake.answer = () => ({ delayMs: TIMEOUT_MS * 3, body: {} });
      const res = await t.http.get(`/api/weather/${date}`).expect(503);
      expect(res.body.error).toBe(
        `Failed to fetch weather data: the weather service did not answer within ${TIMEOUT_MS} ms`,
      );
    });

    it('503 when the upstream sends something that is not JSON', async () => {
      fake.answer = () => ({ body: '<html>oops</html>' });
      const res = await t.http.get(`/api/weather/${freshDate()}`).expect(503);
      expect(res.body.error).toBe(
        'Failed to fetch weather data: the weather service sent an unreadable answer',
      );
    });

    it('503 when the upstream is unreachable', async () => {
      const other = await startTestApp('sqlite', {
        WEATHER_BASE_URL: 'http://127.0.0.1:9/v1/forecast',
      });
      try {
        const res = await other.http.get(`/api/weather/${today}`).expect(503);
        expect(res.body.error).toBe(
          'Failed to fetch weather data: the weather service is unreachable',
        );
      } finally {
        await other.close();
      }
    });
  });

  describe('server-side cache', () => {
    it('serves the same query from memory', async () => {
      const date = freshDate();
      const first = await t.http.get(`/api/weather/${date}`).expect(200);
      const second = await t.http.get(`/api/weather/${date}`).expect(200);
      expect(second.body).toEqual(first.body);
      expect(fake.callsFor(date, 'daily')).toBe(1);
      // A different query (hourly) is a different cache entry.
      await t.http.get(`/api/weather/by-time-of-day/${date}`).expect(200);
      expect(fake.callsFor(date, 'hourly')).toBe(1);
    });

    it('concurrent identical requests share one upstream call', async () => {
      const date = freshDate();
      fake.answer = (url) => ({ delayMs: 150, body: forecastFor(url) });
      const responses = await Promise.all(
        [1, 2, 3].map(() => t.http.get(`/api/weather/by-time-of-day/${date}`)),
      );
      expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
      expect(responses[1].body).toEqual(responses[0].body);
      expect(fake.callsFor(date, 'hourly')).toBe(1);
    });

    it('an expired entry is fetched again (WEATHER_CACHE_SECONDS=0 disables the cache)', async () => {
      const other = await startTestApp('sqlite', {
        WEATHER_BASE_URL: fake.url,
        WEATHER_CACHE_SECONDS: '0',
      });
      try {
        const date = freshDate();
        await other.http.get(`/api/weather/${date}`).expect(200);
        await other.http.get(`/api/weather/${date}`).expect(200);
        expect(fake.callsFor(date, 'daily')).toBe(2);
      } finally {
        await other.close();
      }
    });
  });
});
