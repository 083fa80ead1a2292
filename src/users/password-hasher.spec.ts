import { werkzeugPbkdf2Hash, werkzeugScryptHash } from '../../test/support/werkzeug-hashes';
import { CURRENT_PREFIX, hashPassword, verifyPassword } from './password-hasher';

// Made by werkzeug 3.1.8's generate_password_hash('correct horse 1', method=...).
const REAL_WERKZEUG_SCRYPT =
  'scrypt:32768:8:1$lZk3KVdApXTmN22p$d562d2a90cdbf7084130dba146ee8117f9ac04367bc8e991fae977edbecbf027f02914cb80ec8c2bf1a0c7b48588ba6664ac7851ff9f8363fd5d180b947c7b88';
const REAL_WERKZEUG_PBKDF2 =
  'pbkdf2:sha256:1000$hRkHAC5E6P0Fd5jE$f0137b4c98adfbad548b36fdab62fa9824e7c5e39ab28bc79603cef5c85eeefe';

jest.setTimeout(30_000); // the current parameters cost about a second per hash on a busy CI box

describe('password hashing', () => {
  it('hashes with a self-describing scrypt format and a fresh salt each time', async () => {
    const a = await hashPassword('s3cret-password');
    const b = await hashPassword('s3cret-password');
    expect(a).toMatch(/^node-scrypt:131072:8:1\$[0-9a-f]{32}\$[0-9a-f]{128}$/);
    expect(a).not.toEqual(b);
    expect(a.length).toBeLessThanOrEqual(255);
    await expect(verifyPassword('s3cret-password', a)).resolves.toEqual({
      valid: true,
      needsRehash: false,
    });
    await expect(verifyPassword('s3cret-passwore', a)).resolves.toEqual({
      valid: false,
      needsRehash: false,
    });
  });

  it('verifies hashes werkzeug itself made, and asks for a rehash', async () => {
    for (const hash of [REAL_WERKZEUG_SCRYPT, REAL_WERKZEUG_PBKDF2]) {
      await expect(verifyPassword('correct horse 1', hash)).resolves.toEqual({
        valid: true,
        needsRehash: true,
      });
      await expect(verifyPassword('correct horse 2', hash)).resolves.toEqual({
        valid: false,
        needsRehash: false,
      });
    }
  });

  it('verifies werkzeug-format hashes built with node crypto, including non-ASCII passwords', async () => {
    const password = 'pässwörd ✓';
    await expect(verifyPassword(password, werkzeugScryptHash(password))).resolves.toMatchObject({
      valid: true,
    });
    await expect(verifyPassword(password, werkzeugPbkdf2Hash(password))).resolves.toMatchObject({
      valid: true,
    });
  });

  it('asks to rehash current-format hashes with weaker parameters', async () => {
    const { scryptSync } = await import('node:crypto');
    const salt = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    const key = scryptSync('pw-12345678', salt, 64, { N: 1024, r: 8, p: 1 });
    const weak = `${CURRENT_PREFIX}:1024:8:1$${salt.toString('hex')}$${key.toString('hex')}`;
    await expect(verifyPassword('pw-12345678', weak)).resolves.toEqual({
      valid: true,
      needsRehash: true,
    });
  });

  it.each([
    '',
    'plaintext',
    'scrypt:32768:8:1$salt',
    'scrypt:1000:8:1$salt$00', // N not a power of two
    'scrypt:2097152:8:1$salt$00', // N above the cap
    'pbkdf2:md5:1000$salt$00',
    'pbkdf2:sha256:0$salt$00',
    'bcrypt$x$y',
    `${REAL_WERKZEUG_PBKDF2.slice(0, -2)}zz`,
  ])('treats the malformed hash %j as no match without throwing', async (hash) => {
    await expect(verifyPassword('anything', hash)).resolves.toEqual({
      valid: false,
      needsRehash: false,
    });
  });
});
