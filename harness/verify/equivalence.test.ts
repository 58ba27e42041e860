import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareObjects } from './compare-snapshot.js';
import { charsetName, comparisonRules, explainDefinition, loadComparisonRules } from './equivalence.js';

// SHOW CREATE EVENT as MariaDB 10.11/11.8 and MySQL 9.7 print it, on the primary and on a replica.
const event = (status: string, body = 'CALL `close_day`(CURRENT_DATE - INTERVAL 1 DAY)') =>
  `CREATE DEFINER=\`root\`@\`localhost\` EVENT \`nightly_close\` ON SCHEDULE EVERY 1 DAY STARTS '2030-01-01 02:00:00' ON COMPLETION PRESERVE ${status} COMMENT 'closes yesterday' DO ${body}\n/* sql_mode=STRICT_TRANS_TABLES; time_zone=SYSTEM */`;

const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

describe('comparison rules as data', () => {
  it('every rule names its kind, cites the server documentation and says what to do', () => {
    const rules = comparisonRules();
    expect(rules.map((r) => r.id)).toEqual(
      expect.arrayContaining(['event-disabled-on-replica', 'host-name-account-under-skip-name-resolve', 'system-account-on-fresh-server']),
    );
    for (const r of rules) {
      expect(r.cite).toMatch(/^https:\/\//);
      expect(r.advice.length).toBeGreaterThan(20);
    }
  });
  it('a rule without a citation, of an unknown kind or with a broken pattern is refused, naming the file and rule', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fd-rules-'));
    made.push(dir);
    const write = (rule: object) => writeFileSync(join(dir, 'r.json'), JSON.stringify({ rules: [rule] }));
    write({ id: 'a', kind: 'equivalent-definition', object: 'EVENT', pattern: '(x)(y)', equivalent: [{}], advice: 'x' });
    expect(() => loadComparisonRules(dir)).toThrow(/r\.json: rule a cites no release notes or documentation/);
    write({ id: 'b', kind: 'guess', cite: 'https://x', advice: 'x' });
    expect(() => loadComparisonRules(dir)).toThrow(/rule b has no id or an unknown kind 'guess'/);
    write({ id: 'c', kind: 'equivalent-definition', object: 'EVENT', pattern: '(', equivalent: [{}], cite: 'https://x', advice: 'x' });
    expect(() => loadComparisonRules(dir)).toThrow(/rule c has a pattern that is not a regular expression/);
  });
});

describe('an event a replica shows as DISABLE ON SLAVE (MariaDB) or DISABLE ON REPLICA (MySQL)', () => {
  it('is explained, not flagged, with the warning that a promoted server runs none of its events', () => {
    for (const replica of ['DISABLE ON SLAVE', 'DISABLE ON REPLICA']) {
      const c = compareObjects({ 'EVENT shop.nightly_close': event('ENABLE') }, { 'EVENT shop.nightly_close': event(replica) });
      expect(c.valid).toBe(true);
      expect(c.details['explained']).toEqual([
        expect.objectContaining({
          database: 'shop',
          object: 'nightly_close',
          rule: 'event-disabled-on-replica',
          severity: 'warning',
          expected: 'ENABLE',
          actual: replica,
          finding: expect.stringMatching(/once this server is promoted.*the event does not run/),
        }),
      ]);
    }
    expect(explainDefinition('EVENT', event('DISABLE'), event('DISABLE ON SLAVE'))).toMatchObject({ severity: 'info' });
  });
  it('an event disabled or enabled for real, or whose body differs, is still a difference (no blind spot)', () => {
    const flagged = (e: string, a: string) => compareObjects({ 'EVENT shop.e': e }, { 'EVENT shop.e': a });
    expect(flagged(event('ENABLE'), event('DISABLE')).valid).toBe(false);
    // A replica's event enabled again on the restored server: it would run there.
    expect(flagged(event('DISABLE ON SLAVE'), event('ENABLE')).valid).toBe(false);
    // The status change explained, but the body changed too: a difference, naming the line.
    const body = flagged(event('ENABLE'), event('DISABLE ON SLAVE', 'DELETE FROM `audit`'));
    expect(body.valid).toBe(false);
    expect(body.details['differences']).toEqual([expect.objectContaining({ kind: 'event-definition-differs', object: 'e' })]);
    // The rule is for events only.
    expect(explainDefinition('PROCEDURE', event('ENABLE'), event('DISABLE ON SLAVE'))).toBeUndefined();
  });
  it('between peers of a Galera cluster either node may be the one that runs it; a real disable is still a difference', () => {
    // galera-datadir-wiped on a dump with an enabled event: the wiped node came back by SST from a node that had
    // received the event (DISABLE ON SLAVE), while the node it was created on runs it
    const peers = (e: string, a: string) => compareObjects({ 'EVENT shop.e': e }, { 'EVENT shop.e': a }, undefined, { peers: true });
    for (const wiped of ['DISABLE ON SLAVE', 'DISABLE ON REPLICA']) {
      const c = peers(event(wiped), event('ENABLE'));
      expect(c.valid).toBe(true);
      expect(c.details['explained']).toEqual([
        expect.objectContaining({ rule: 'event-disabled-on-replica', severity: 'info', expected: wiped, actual: 'ENABLE' }),
      ]);
    }
    expect(peers(event('ENABLE'), event('DISABLE ON SLAVE')).valid).toBe(true);
    expect(peers(event('ENABLE'), event('DISABLE')).valid).toBe(false);
    expect(peers(event('DISABLE'), event('ENABLE')).valid).toBe(false);
    expect(peers(event('DISABLE ON SLAVE'), event('ENABLE', 'DELETE FROM `audit`')).valid).toBe(false);
  });
});

// SHOW CREATE TABLE on MySQL 9.7 of a column that inherits the table's non-default collation, and of the same column
// re-created from mysqldump's text (an explicit collation): measured on the storefront dataset's logical-restore.
const table = (customer: string, note = '`note` varchar(120) COLLATE utf8mb4_general_ci DEFAULT NULL') =>
  `CREATE TABLE \`Orders\` (\n  \`id\` int NOT NULL,\n  \`customer\` varchar(60) ${customer} NOT NULL,\n  ${note},\n  PRIMARY KEY (\`id\`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci`;

describe('a column printed with its character set and collation, or with its collation alone', () => {
  it('is the same column, explained in both directions and for every such column of the table', () => {
    const inherited = table('COLLATE utf8mb4_general_ci');
    const reloaded = table(
      'CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci',
      '`note` varchar(120) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci DEFAULT NULL',
    );
    for (const [e, a] of [
      [inherited, reloaded],
      [reloaded, inherited],
    ] as const) {
      const c = compareObjects({ 'TABLE storefront.Orders': e }, { 'TABLE storefront.Orders': a });
      expect(c.valid).toBe(true);
      expect(c.details['explained']).toEqual([
        expect.objectContaining({ object: 'Orders', rule: 'column-charset-named-with-its-collation', severity: 'info' }),
      ]);
    }
  });
  it('a changed collation or character set, or another change beside it, is still a difference (no blind spot)', () => {
    const flagged = (e: string, a: string) => compareObjects({ 'TABLE s.t': e }, { 'TABLE s.t': a }).valid;
    const inherited = table('COLLATE utf8mb4_general_ci');
    expect(flagged(inherited, table('CHARACTER SET utf8mb4 COLLATE utf8mb4_bin'))).toBe(false);
    expect(flagged(inherited, table('CHARACTER SET latin1 COLLATE latin1_swedish_ci'))).toBe(false);
    expect(flagged(inherited, table('COLLATE utf8mb4_unicode_ci'))).toBe(false);
    // explained clause, but another column's definition changed too
    expect(flagged(inherited, table('CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci', '`note` varchar(99) DEFAULT NULL'))).toBe(false);
  });
});

describe('a character set two versions name differently (utf8 on 10.5, utf8mb3 from 10.6)', () => {
  it('is the same character set to a column comparison; utf8mb4 and latin1 are still other ones', () => {
    expect(charsetName('utf8')).toBe(charsetName('utf8mb3'));
    expect(charsetName('UTF8')).toBe('utf8mb3');
    expect(charsetName('utf8mb4')).not.toBe(charsetName('utf8'));
    expect(charsetName('latin1')).toBe('latin1');
    expect(charsetName(null)).toBeNull();
  });
  it('a charset-alias rule naming fewer than two character sets is refused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fd-rules-'));
    made.push(dir);
    const rule = { id: 'a', kind: 'charset-alias', names: ['utf8'], finding: 'f', advice: 'x', cite: 'https://x' };
    writeFileSync(join(dir, 'r.json'), JSON.stringify({ rules: [rule] }));
    expect(() => loadComparisonRules(dir)).toThrow(/rule a names fewer than two character sets/);
  });
});
