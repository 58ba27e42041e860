import { createHash, createPrivateKey, createPublicKey, pbkdf2Sync } from 'node:crypto';

/**
 * Stored authentication strings of throwaway texts, computed the way each plugin computes them from a password, so
 * that a corpus account holds a real hash and no password is ever written anywhere:
 * - MariaDB `ed25519`: the Ed25519 public key whose private scalar is SHA-512 of the password (the plugin's
 *   ref10 `crypto_sign_keypair`), base64 without padding (43 characters). With a 32-byte password this is the RFC 8032
 *   key of that seed, which node:crypto computes.
 * - MariaDB `parsec` (11.6+): `P0:` + an 18-byte salt + `:` + the Ed25519 public key whose seed is
 *   PBKDF2-HMAC-SHA512(password, salt, 1024 iterations, 32 bytes), both base64 (the `P0` factor: 1024 << 0).
 * - MySQL `caching_sha2_password` (`$A$005$` + 20-byte salt + 43 characters) and `sha256_password` (`$5$` + salt +
 *   `$` + 43 characters): SHA-256 crypt (Drepper's "Unix crypt using SHA-256", 5,000 rounds) with a 20-byte salt.
 */

const sha256 = (...parts: Buffer[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

/** A throwaway text of 32 ASCII characters derived from a name (never a real password). */
export const throwawayText = (name: string): string => createHash('sha256').update(`corpus-throwaway-${name}`).digest('hex').slice(0, 32);

/** MariaDB ed25519's stored string for a password of exactly 32 bytes (the throwaway texts are). */
export function ed25519Stored(password: string): string {
  const seed = Buffer.from(password, 'utf8');
  if (seed.length !== 32) throw new Error('ed25519Stored: the throwaway text must be 32 bytes');
  return ed25519PublicKey(seed).toString('base64').replace(/=+$/, '');
}

/** MariaDB parsec's stored string of a password, with an 18-byte salt derived from a name. */
export function parsecStored(password: string, name: string): string {
  const salt = createHash('sha256').update(`corpus-parsec-salt-${name}`).digest().subarray(0, 18);
  return parsecStoredWithSalt(password, salt);
}

export function parsecStoredWithSalt(password: string, salt: Buffer): string {
  const pub = ed25519PublicKey(pbkdf2Sync(password, salt, 1024, 32, 'sha512'));
  return `P0:${salt.toString('base64')}:${pub.toString('base64').replace(/=+$/, '')}`;
}

/** The RFC 8032 public key of a 32-byte seed. */
function ed25519PublicKey(seed: Buffer): Buffer {
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  const pub = createPublicKey(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })).export({ format: 'der', type: 'spki' });
  return pub.subarray(pub.length - 32);
}

const ITOA64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const repeatTo = (block: Buffer, n: number) =>
  Buffer.concat(Array.from({ length: Math.ceil(n / block.length) }, () => block)).subarray(0, n);

/** SHA-256 crypt's 43-character digest of `key` with `salt` (used as given: MySQL takes 20 bytes, glibc at most 16). */
export function sha256CryptDigest(key: Buffer, salt: Buffer, rounds = 5000): string {
  const b = sha256(key, salt, key);
  const a = createHash('sha256').update(key).update(salt);
  let i = key.length;
  for (; i > 32; i -= 32) a.update(b);
  a.update(b.subarray(0, i));
  for (let n = key.length; n > 0; n >>= 1) a.update(n & 1 ? b : key);
  const first = a.digest();
  const p = repeatTo(sha256(...Array.from({ length: key.length }, () => key)), key.length);
  const s = repeatTo(sha256(...Array.from({ length: 16 + first[0]! }, () => salt)), salt.length);
  let c = first;
  for (let r = 0; r < rounds; r++) {
    const h = createHash('sha256');
    h.update(r & 1 ? p : c);
    if (r % 3) h.update(s);
    if (r % 7) h.update(p);
    h.update(r & 1 ? c : p);
    c = h.digest();
  }
  const out: string[] = [];
  const b64 = (b2: number, b1: number, b0: number, n: number) => {
    let w = (b2 << 16) | (b1 << 8) | b0;
    for (let k = 0; k < n; k++, w >>= 6) out.push(ITOA64[w & 0x3f]!);
  };
  const order = [
    [0, 10, 20],
    [21, 1, 11],
    [12, 22, 2],
    [3, 13, 23],
    [24, 4, 14],
    [15, 25, 5],
    [6, 16, 26],
    [27, 7, 17],
    [18, 28, 8],
    [9, 19, 29],
  ];
  for (const [x, y, z] of order) b64(c[x!]!, c[y!]!, c[z!]!, 4);
  b64(0, c[31]!, c[30]!, 3);
  return out.join('');
}

/** A 20-character salt from a name, in crypt's alphabet (no NUL, no `$`: what MySQL's own salts avoid). */
const saltOf = (name: string) =>
  Buffer.from([...createHash('sha256').update(`corpus-salt-${name}`).digest().subarray(0, 20)].map((x) => ITOA64.charCodeAt(x & 0x3f)));

/** MySQL caching_sha2_password's stored string of a throwaway text (70 bytes). */
export function cachingSha2Stored(password: string, name: string): string {
  const salt = saltOf(name);
  return `$A$005$${salt.toString('latin1')}${sha256CryptDigest(Buffer.from(password), salt)}`;
}

/** MySQL sha256_password's stored string of a throwaway text. */
export function sha256PasswordStored(password: string, name: string): string {
  const salt = saltOf(name);
  return `$5$${salt.toString('latin1')}$${sha256CryptDigest(Buffer.from(password), salt)}`;
}
