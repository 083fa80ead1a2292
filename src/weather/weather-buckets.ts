import { describeWeatherCode } from './weather-codes';

export interface HourlySeries {
  time: string[];
  temperature: (number | null)[];
  rainProbability: (number | null)[];
  windspeed: (number | null)[];
  weatherCode: (number | null)[];
}

/** One slot's weather, as the answers show it (SlotWeatherJson). */
export interface BucketWeather {
  temperature: number | null;
  rain_probability: number | null;
  windspeed: number | null;
  weather_code: number | null;
  description: string;
}

export type TimeOfDay = 'morning' | 'afternoon' | 'evening';

/** Local hours of each slot, inclusive; 21:00 to 04:59 belongs to none. */
export const BUCKET_HOURS: Record<TimeOfDay, [number, number]> = {
  morning: [5, 11],
  afternoon: [12, 16],
  evening: [17, 20],
};

const round1 = (value: number) => Math.round(value * 10) / 10;

const present = (values: (number | null | undefined)[]): number[] =>
  values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));

export function mean1(values: (number | null | undefined)[]): number | null {
  const numbers = present(values);
  if (numbers.length === 0) return null;
  return round1(numbers.reduce((sum, v) => sum + v, 0) / numbers.length);
}

export function max(values: (number | null | undefined)[]): number | null {
  const numbers = present(values);
  return numbers.length === 0 ? null : Math.max(...numbers);
}

/** The most frequent code; a tie goes to the code seen first. */
export function mostFrequent(values: (number | null | undefined)[]): number | null {
  const counts = new Map<number, number>();
  for (const value of present(values)) counts.set(value, (counts.get(value) ?? 0) + 1);
  let best: number | null = null;
  let bestCount = 0;
  for (const [value, count] of counts) {
    if (count > bestCount) [best, bestCount] = [value, count];
  }
  return best;
}

/** Open-Meteo hourly times are local `YYYY-MM-DDTHH:MM` strings (the request names the zone). */
function localHour(time: string, date: string): number | null {
  if (!time.startsWith(`${date}T`)) return null;
  const hour = Number(time.slice(11, 13));
  return Number.isInteger(hour) ? hour : null;
}

/** The hourly values of `date` averaged into morning, afternoon and evening. */
export function bucketByTimeOfDay(
  series: HourlySeries,
  date: string,
): Record<TimeOfDay, BucketWeather> {
  const result = {} as Record<TimeOfDay, BucketWeather>;
  for (const [slot, [from, to]] of Object.entries(BUCKET_HOURS) as [
    TimeOfDay,
    [number, number],
  ][]) {
    const indexes = series.time.flatMap((time, i) => {
      const hour = localHour(time, date);
      return hour !== null && hour >= from && hour <= to ? [i] : [];
    });
    const pick = (values: (number | null)[]) => indexes.map((i) => values[i]);
    const code = mostFrequent(pick(series.weatherCode));
    result[slot] = {
      temperature: mean1(pick(series.temperature)),
      rain_probability: max(pick(series.rainProbability)),
      windspeed: mean1(pick(series.windspeed)),
      weather_code: code,
      description: describeWeatherCode(code),
    };
  }
  return result;
}
