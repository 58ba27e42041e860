import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generatedKeyFile, keyIdsOf, RUN_KEY_FILE, RUN_KEY_IDS, type FlavorId } from '../../core/index.js';
import { capsOf, canEncrypt, keysNeeded, pluginsCnf, renderDump, type Corpus } from '../../sql/corpus/index.js';
import { corpusArb, corpusFor } from './corpus.js';

const FLAVORS: FlavorId[] = ['mariadb-10.11', 'mariadb-11.8', 'mysql-9.7'];
const plain = (c: Corpus) => ({ ...c, tables: c.tables.map(({ encryptionKeyId: _k, ...t }) => t) });

describe('encrypted tables in the corpus, only where the run has keys', () => {
  it('without keys no table is encrypted and no key management is asked for (every flavor, any draw)', () => {
    for (const f of FLAVORS)
      fc.assert(
        fc.property(corpusArb(f, { rows: 0 }), (c) => {
          expect(c.tables.filter((t) => t.encryptionKeyId)).toEqual([]);
          expect(pluginsCnf(c)).not.toMatch(/file_key_management/);
          expect(renderDump(c)).not.toMatch(/ENCRYPTED=/);
        }),
        { numRuns: 30, seed: 19 },
      );
  });

  it("with keys (MariaDB): the covering sample encrypts every InnoDB table with the run's key ids, and its my.cnf names the plugin and key file", () => {
    for (const f of ['mariadb-10.11', 'mariadb-11.8'] as FlavorId[]) {
      const c = corpusFor(f, 20261206, { cover: true, rows: 2, keys: RUN_KEY_IDS });
      const caps = capsOf(f);
      const innodb = c.tables.filter((t) => canEncrypt(t, caps));
      expect(innodb.length).toBeGreaterThan(10);
      for (const t of innodb) expect(RUN_KEY_IDS).toContain(t.encryptionKeyId);
      expect(c.tables.filter((t) => !canEncrypt(t, caps)).some((t) => t.encryptionKeyId)).toBe(false);
      expect(keysNeeded(c)).toEqual([1, 2]);
      const dump = renderDump(c);
      expect(dump.match(/ENGINE=InnoDB[^;]* ENCRYPTED=YES ENCRYPTION_KEY_ID=[12]\b/g)).toHaveLength(innodb.length);
      expect(dump).not.toMatch(/ENGINE=(MyISAM|Aria|MEMORY)[^;\n]*ENCRYPTED/);
      expect(pluginsCnf(c)).toBe(
        `[mysqld]\nplugin_load_add = auth_ed25519\n${f === 'mariadb-11.8' ? 'plugin_load_add = auth_parsec\n' : ''}plugin_load_add = file_key_management\nfile_key_management_filename = ${RUN_KEY_FILE}\n`,
      );
    }
  });

  it('drawn last: with keys, a seed gives the same tables (but for the encryption), objects and accounts as without', () => {
    for (const seed of [1, 29, 20261206]) {
      const without = corpusFor('mariadb-10.11', seed, { rows: 3 });
      const withKeys = corpusFor('mariadb-10.11', seed, { rows: 3, keys: RUN_KEY_IDS });
      expect(plain(withKeys)).toEqual(without);
    }
  });

  it('drawn at random: tables come plain or encrypted with a key the run has, one by one (a failure shrinks to plain)', () => {
    let mixed = 0;
    fc.assert(
      fc.property(corpusArb('mariadb-10.11', { rows: 0, keys: [2] }), (c) => {
        const enc = c.tables.filter((t) => t.encryptionKeyId);
        for (const t of enc) expect([t.engine, t.encryptionKeyId]).toEqual(['InnoDB', 2]);
        if (enc.length && enc.length < c.tables.filter((t) => t.engine === 'InnoDB').length) mixed++;
      }),
      { numRuns: 40, seed: 7 },
    );
    expect(mixed).toBeGreaterThan(0);
    // a stand-in failure "some table is encrypted" shrinks to one table, encrypted
    const r = fc.check(
      fc.property(corpusArb('mariadb-10.11', { rows: 0, keys: [1] }), (c) => !c.tables.some((t) => t.encryptionKeyId)),
      { seed: 3, numRuns: 100 },
    );
    expect(r.failed).toBe(true);
    expect(r.counterexample![0].tables.filter((t) => t.encryptionKeyId)).toHaveLength(1);
  });

  it('MySQL 9.7 draws none, keys or not (its encryption is a keyring component: not generated yet)', () => {
    const c = corpusFor('mysql-9.7', 20261206, { cover: true, rows: 0, keys: RUN_KEY_IDS });
    expect(keysNeeded(c)).toEqual([]);
  });
});

describe('key files', () => {
  it('a generated key file holds one fresh 256-bit key per id, another each time', () => {
    const a = generatedKeyFile();
    expect(a).toMatch(/^1;[0-9a-f]{64}\n2;[0-9a-f]{64}\n$/);
    expect(keyIdsOf(a)).toEqual({ ids: [1, 2] });
    expect(generatedKeyFile()).not.toBe(a);
  });

  it('reads the ids of a plain key file, says what is wrong with a bad one, and knows an encrypted one', () => {
    expect(keyIdsOf(`# keys\n1;${'a'.repeat(32)}\n\n7;${'B'.repeat(48)}\n`)).toEqual({ ids: [1, 7] });
    expect(keyIdsOf(`1;${'a'.repeat(31)}\n`)).toEqual({ error: 'line 1 is not "<key id>;<key as 32, 48 or 64 hex digits>"' });
    expect(keyIdsOf(`1;${'a'.repeat(64)}\n1;${'b'.repeat(64)}\n`)).toEqual({ error: 'line 2: key id 1 comes twice' });
    expect(keyIdsOf('# nothing\n')).toEqual({ error: 'it holds no key' });
    expect(keyIdsOf(Buffer.concat([Buffer.from('Salted__'), Buffer.alloc(40, 7)]))).toEqual({ encrypted: true });
  });
});
