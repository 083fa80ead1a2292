import { pbkdf2Sync, randomBytes, scryptSync } from 'node:crypto';

/** A werkzeug-style salt: 16 alphanumeric characters, used as UTF-8 text. */
function werkzeugSalt(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(16)].map((byte) => alphabet[byte % alphabet.length]).join('');
}

/** What werkzeug 3.1 `generate_password_hash(password)` stores (scrypt, N=2^15, r=8, p=1). */
export function werkzeugScryptHash(password: string, salt = werkzeugSalt()): string {
  const key = scryptSync(password, salt, 64, { N: 32768, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
  return `scrypt:32768:8:1$${salt}$${key.toString('hex')}`;
}

/** What werkzeug stores for `method="pbkdf2:sha256:<iterations>"` (key length = digest size). */
export function werkzeugPbkdf2Hash(password: string, iterations = 1000, salt = werkzeugSalt()) {
  const key = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  return `pbkdf2:sha256:${iterations}$${salt}$${key.toString('hex')}`;
}
