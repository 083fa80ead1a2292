import { ForecastCache } from './forecast-cache';

describe('ForecastCache', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => (now = 1_000));

  it('serves a stored value until it expires', async () => {
    const cache = new ForecastCache<number>(1000, 10, clock);
    const load = jest.fn().mockResolvedValueOnce(1).mockResolvedValueOnce(2);
    expect(await cache.get('k', load)).toBe(1);
    now += 999;
    expect(await cache.get('k', load)).toBe(1);
    now += 1;
    expect(await cache.get('k', load)).toBe(2);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('shares one load between concurrent callers and does not keep failures', async () => {
    const cache = new ForecastCache<number>(1000, 10, clock);
    let resolve!: (v: number) => void;
    const load = jest.fn(() => new Promise<number>((r) => (resolve = r)));
    const both = Promise.all([cache.get('k', load), cache.get('k', load)]);
    resolve(7);
    expect(await both).toEqual([7, 7]);
    expect(load).toHaveBeenCalledTimes(1);

    const failing = jest.fn().mockRejectedValueOnce(new Error('down')).mockResolvedValueOnce(3);
    await expect(cache.get('f', failing)).rejects.toThrow('down');
    expect(await cache.get('f', failing)).toBe(3);
  });

  it('keeps at most maxEntries values, dropping the oldest', async () => {
    const cache = new ForecastCache<string>(1000, 2, clock);
    for (const key of ['a', 'b', 'c']) await cache.get(key, () => Promise.resolve(key));
    const load = jest.fn(() => Promise.resolve('again'));
    expect(await cache.get('c', load)).toBe('c');
    expect(await cache.get('a', load)).toBe('again');
  });

  it('with a zero lifetime still shares concurrent calls but stores nothing', async () => {
    const cache = new ForecastCache<number>(0, 10, clock);
    const load = jest.fn(() => Promise.resolve(1));
    await Promise.all([cache.get('k', load), cache.get('k', load)]);
    await cache.get('k', load);
    expect(load).toHaveBeenCalledTimes(2);
  });
});
