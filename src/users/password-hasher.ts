import { pbkdf2, randomBytes, scrypt, ScryptOptions, timingSafeEqual } from 'node:crypto';

/**
 * Password hashes, self-describing so the parameters can change without a migration:
 *
 * - current: `node-scrypt:<N>:<r>:<p>$<salt hex>$<64-byte key hex>`
 * - werkzeug (adopted databases), verify only: `scrypt:<N>:<r>:<p>$<salt>$<hex>` and
 *   `pbkdf2:<hash>:<iterations>$<salt>$<hex>`, where the salt is used as its UTF-8 text.
 *
 * Anything but the current format with the current parameters "needs rehash": the login that
 * proves the password replaces the stored hash.
 */
export const CURRENT_PREFIX = 'node-scrypt';

// OWASP's scrypt floor (N=2^17, r=8, p=1): 128 MiB and a few hundred ms per hash.
const CURRENT = { N: 2 ** 17, r: 8, p: 1 };
const KEY_LENGTH = 64;
const SALT_BYTES = 16;
// Parameters come from the database; refuse absurd ones rather than allocate gigabytes.
const MAX_SCRYPT_N = 2 ** 20;
const MAX_PBKDF2_ITERATIONS = 10_000_000;
const WERKZEUG_SCRYPT_DEFAULTS = { N: 2 ** 15, r: 8, p: 1 };
const WERKZEUG_PBKDF2_ITERATIONS = 1_000_000;

export interface PasswordCheck {
  valid: boolean;
  /** True when the hash should be replaced by `hashPassword` of the same password. */
  needsRehash: boolean;
}

function scryptKey(
  password: string,
  salt: Buffer | string,
  keyLength: number,
  params: { N: number; r: number; p: number },
): Promise<Buffer> {
  const options: ScryptOptions = {
    ...params,
    // Node's default limit is 32 MiB, below what N=2^15, r=8 (werkzeug's default) needs.
    maxmem: 256 * params.N * params.r * params.p,
  };
  return new Promise((resolve, reject) =>
    scrypt(password, salt, keyLength, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

function pbkdf2Key(
  password: string,
  salt: string,
  iterations: number,
  digest: string,
  keyLength: number,
): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    pbkdf2(password, salt, iterations, keyLength, digest, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

function sameBytes(derived: Buffer, expectedHex: string): boolean {
  if (!/^[0-9a-f]+$/i.test(expectedHex) || expectedHex.length % 2 !== 0) return false;
  const expected = Buffer.from(expectedHex, 'hex');
  return expected.length === derived.length && timingSafeEqual(expected, derived);
}

const positiveInt = (text: string | undefined, fallback: number): number =>
  text === undefined ? fallback : /^\d{1,9}$/.test(text) ? Number(text) : NaN;

const isPowerOfTwo = (n: number) => Number.isInteger(n) && n > 1 && (n & (n - 1)) === 0;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await scryptKey(password, salt, KEY_LENGTH, CURRENT);
  const { N, r, p } = CURRENT;
  return `${CURRENT_PREFIX}:${N}:${r}:${p}$${salt.toString('hex')}$${key.toString('hex')}`;
}

/** Never throws for a malformed or unknown hash: that is simply not a match. */
export async function verifyPassword(password: string, stored: string): Promise<PasswordCheck> {
  const no = { valid: false, needsRehash: false };
  const parts = stored.split('$');
  if (parts.length !== 3) return no;
  const [method, salt, hex] = parts;
  const [kind, ...args] = method.split(':');

  if (kind === CURRENT_PREFIX || kind === 'scrypt') {
    const defaults = kind === 'scrypt' ? WERKZEUG_SCRYPT_DEFAULTS : CURRENT;
    const N = positiveInt(args[0], defaults.N);
    const r = positiveInt(args[1], defaults.r);
    const p = positiveInt(args[2], defaults.p);
    if (!isPowerOfTwo(N) || N > MAX_SCRYPT_N || !(r >= 1 && r <= 32) || !(p >= 1 && p <= 16)) {
      return no;
    }
    let saltInput: Buffer | string = salt;
    let keyLength = 64;
    if (kind === CURRENT_PREFIX) {
      if (!/^[0-9a-f]+$/i.test(salt)) return no;
      saltInput = Buffer.from(salt, 'hex');
      keyLength = KEY_LENGTH;
    }
    const key = await scryptKey(password, saltInput, keyLength, { N, r, p });
    const valid = sameBytes(key, hex);
    const current = kind === CURRENT_PREFIX && N >= CURRENT.N && r >= CURRENT.r;
    return { valid, needsRehash: valid && !current };
  }

  if (kind === 'pbkdf2') {
    const digest = args[0] ?? 'sha256';
    const iterations = positiveInt(args[1], WERKZEUG_PBKDF2_ITERATIONS);
    if (!['sha1', 'sha256', 'sha512'].includes(digest)) return no;
    if (!(iterations >= 1 && iterations <= MAX_PBKDF2_ITERATIONS)) return no;
    // werkzeug keeps hashlib's default key length: the digest size.
    const keyLength = { sha1: 20, sha256: 32, sha512: 64 }[digest] as number;
    const key = await pbkdf2Key(password, salt, iterations, digest, keyLength);
    const valid = sameBytes(key, hex);
    return { valid, needsRehash: valid };
  }
  return no;
}
