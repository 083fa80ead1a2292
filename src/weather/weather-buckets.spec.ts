import { bucketByTimeOfDay, HourlySeries, mean1, max, mostFrequent } from './weather-buckets';

/** 24 hours of `date` with values from `at(hour)`. */
function day(
  date: string,
  at: (hour: number) => [number | null, number | null, number | null, number | null],
): HourlySeries {
  const series: HourlySeries = {
    time: [],
    temperature: [],
    rainProbability: [],
    windspeed: [],
    weatherCode: [],
  };
  for (let hour = 0; hour < 24; hour++) {
    const [t, r, w, c] = at(hour);
    series.time.push(`${date}T${String(hour).padStart(2, '0')}:00`);
    series.temperature.push(t);
    series.rainProbability.push(r);
    series.windspeed.push(w);
    series.weatherCode.push(c);
  }
  return series;
}

describe('bucket math', () => {
  it('means round to one decimal and skip nulls', () => {
    expect(mean1([1, 2, 2])).toBe(1.7);
    expect(mean1([10.04, 10.05])).toBe(10);
    expect(mean1([null, 4, null, 5])).toBe(4.5);
    expect(mean1([null, null])).toBeNull();
    expect(mean1([])).toBeNull();
  });

  it('max skips nulls', () => {
    expect(max([10, null, 40, 20])).toBe(40);
    expect(max([null])).toBeNull();
  });

  it('most frequent code, ties to the first seen, ignoring nulls', () => {
    expect(mostFrequent([3, 61, 61, 3, 61])).toBe(61);
    expect(mostFrequent([2, 3, 3, 2])).toBe(2);
    expect(mostFrequent([null, null, 0])).toBe(0);
    expect(mostFrequent([null])).toBeNull();
  });
});

describe('bucketByTimeOfDay', () => {
  it('uses hours 05-11, 12-16 and 17-20 and drops the night', () => {
    // Temperature = the hour, rain = hour * 2, wind = hour / 2, code 0 before noon, 61 after.
    const series = day('2026-03-10', (h) => [h, h * 2, h / 2, h < 12 ? 0 : h < 17 ? 61 : 3]);
    expect(bucketByTimeOfDay(series, '2026-03-10')).toEqual({
      morning: {
        temperature: 8, // mean of 5..11
        rain_probability: 22,
        windspeed: 4,
        weather_code: 0,
        description: 'Clear sky',
      },
      afternoon: {
        temperature: 14, // mean of 12..16
        rain_probability: 32,
        windspeed: 7,
        weather_code: 61,
        description: 'Slight rain',
      },
      evening: {
        temperature: 18.5, // mean of 17..20
        rain_probability: 40,
        windspeed: 9.3, // 37 / 4 = 9.25, rounded half up
        weather_code: 3,
        description: 'Overcast',
      },
    });
  });

  it('only counts hours of the requested date', () => {
    const series = day('2026-03-10', () => [10, 10, 10, 1]);
    const next = day('2026-03-11', () => [99, 99, 99, 99]);
    const both: HourlySeries = {
      time: [...series.time, ...next.time],
      temperature: [...series.temperature, ...next.temperature],
      rainProbability: [...series.rainProbability, ...next.rainProbability],
      windspeed: [...series.windspeed, ...next.windspeed],
      weatherCode: [...series.weatherCode, ...next.weatherCode],
    };
    expect(bucketByTimeOfDay(both, '2026-03-10').evening.temperature).toBe(10);
  });

  it('an empty bucket is all null with "No data", nulls inside a bucket are skipped', () => {
    const series = day('2026-03-10', (h) =>
      h <= 11 ? [null, null, null, null] : h === 12 ? [null, 30, 4, 2] : [20, null, 6, null],
    );
    const result = bucketByTimeOfDay(series, '2026-03-10');
    expect(result.morning).toEqual({
      temperature: null,
      rain_probability: null,
      windspeed: null,
      weather_code: null,
      description: 'No data',
    });
    expect(result.afternoon).toEqual({
      temperature: 20,
      rain_probability: 30,
      windspeed: 5.6, // (4 + 6 * 4) / 5
      weather_code: 2,
      description: 'Partly cloudy',
    });
    const none = bucketByTimeOfDay({ ...series, time: [] }, '2026-03-10');
    expect(none.evening.description).toBe('No data');
  });
});
