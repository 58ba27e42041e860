import fc from 'fast-check';

/**
 * Names as production has them: plain, with hyphens and spaces, unicode (the BMP: identifiers are utf8mb3), reserved
 * words, and 64 characters long (the limit for databases, tables, columns and programs). Names that differ only in case
 * are not drawn here (the corpus makes its case pair on purpose).
 */

const RESERVED = [
  'order',
  'select',
  'group',
  'key',
  'index',
  'table',
  'desc',
  'window',
  'rank',
  'range',
  'interval',
  'condition',
  'lead',
  'system',
];
const UNICODE = ['café', 'naïve', 'данные', '表格', 'ñandú', 'Ærø', 'Zürich', '日本語', 'ελληνικά', 'ünï-cödé'];

const plain = fc.stringMatching(/^[a-z][a-z0-9_]{2,9}$/);

/** A name with its style (the style shows in a failing case's description). */
const nameArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: plain },
  { weight: 1, arbitrary: fc.tuple(plain, plain).map(([a, b]) => `${a}-${b}`) },
  { weight: 1, arbitrary: fc.tuple(plain, plain).map(([a, b]) => `${a} ${b}`) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...UNICODE), fc.nat(99)).map(([u, n]) => `${u}${n}`) },
  { weight: 1, arbitrary: fc.constantFrom(...RESERVED) },
  { weight: 1, arbitrary: plain.map((p) => `${p}_${'x'.repeat(64)}`.slice(0, 64)) },
);

/** How the server compares identifiers (utf8mb3_general_ci): case and accents folded. Two names equal here clash. */
export const foldName = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();

/** `n` names, pairwise distinct after folding, none of them firedrill's own or a system schema's. */
export const uniqueNames = (n: number): fc.Arbitrary<string[]> =>
  fc.uniqueArray(
    nameArb.filter((s) => !/^(firedrill|mysql$|sys$|information_schema$|performance_schema$)/i.test(s)),
    { minLength: n, maxLength: n, selector: foldName },
  );

/** Account user names: short (MySQL takes 32 characters), plain or with a hyphen. */
export const userNames = (n: number): fc.Arbitrary<string[]> =>
  fc.uniqueArray(
    fc
      .oneof(
        plain,
        fc.tuple(plain, plain).map(([a, b]) => `${a}-${b}`.slice(0, 20)),
      )
      .filter((s) => !/^firedrill/i.test(s)),
    { minLength: n, maxLength: n },
  );
