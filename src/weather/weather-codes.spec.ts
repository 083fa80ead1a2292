import { describeWeatherCode, WEATHER_DESCRIPTIONS } from './weather-codes';

describe('describeWeatherCode', () => {
  it.each([
    [0, 'Clear sky'],
    [1, 'Mostly clear'],
    [2, 'Partly cloudy'],
    [3, 'Overcast'],
    [45, 'Foggy'],
    [48, 'Depositing rime fog'],
    [51, 'Light drizzle'],
    [53, 'Moderate drizzle'],
    [55, 'Dense drizzle'],
    [56, 'Light freezing drizzle'],
    [57, 'Dense freezing drizzle'],
    [61, 'Slight rain'],
    [63, 'Moderate rain'],
    [65, 'Heavy rain'],
    [66, 'Light freezing rain'],
    [67, 'Heavy freezing rain'],
    [71, 'Slight snow'],
    [73, 'Moderate snow'],
    [75, 'Heavy snow'],
    [77, 'Snow grains'],
    [80, 'Slight rain showers'],
    [81, 'Moderate rain showers'],
    [82, 'Violent rain showers'],
    [85, 'Slight snow showers'],
    [86, 'Heavy snow showers'],
    [95, 'Thunderstorm'],
    [96, 'Thunderstorm with slight hail'],
    [99, 'Thunderstorm with heavy hail'],
  ])('code %i is "%s"', (code, text) => {
    expect(describeWeatherCode(code)).toBe(text);
  });

  it('covers every WMO code Open-Meteo documents, and nothing else', () => {
    expect(Object.keys(WEATHER_DESCRIPTIONS).map(Number)).toEqual([
      0, 1, 2, 3, 45, 48, 51, 53, 55, 56, 57, 61, 63, 65, 66, 67, 71, 73, 75, 77, 80, 81, 82, 85,
      86, 95, 96, 99,
    ]);
  });

  it('names an unknown code and says "No data" for a missing one', () => {
    expect(describeWeatherCode(4)).toBe('Unknown (code 4)');
    expect(describeWeatherCode(null)).toBe('No data');
  });
});
