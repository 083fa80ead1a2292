/**
 * The given keys of `source` that hold a value (not `undefined`), copied: what a request sent,
 * where an absent key means "leave it" and `null` means "clear it".
 */
export function pickDefined<T extends object, K extends keyof T>(
  source: T,
  keys: readonly K[],
): Partial<Pick<T, K>> {
  const picked: Partial<Pick<T, K>> = {};
  for (const key of keys) {
    if (source[key] !== undefined) picked[key] = source[key];
  }
  return picked;
}
