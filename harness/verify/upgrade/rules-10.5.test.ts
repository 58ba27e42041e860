// The 10.5 -> 10.11 step's rules (Debian bullseye -> bookworm): each one on a planted case it catches, and on a clean
// case it does not flag.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FLAVORS } from '../../core/index.js';
import { parseOptionFile, serverOptions } from './config-file.js';
import { goNoGo } from './findings.js';
import { incompatibilityReport } from './incompat.js';
import type { CodeObject } from './inventory.js';
import { loadRuleSet } from './rules.js';
import { emptyInventory, serious, target, tempDir } from './rules.test-fixture.js';

const rules = loadRuleSet(FLAVORS['mariadb-10.5'], FLAVORS['mariadb-10.11']);
const old = (...objects: CodeObject[]) => ({ ...emptyInventory('10.5.23-MariaDB-0+deb11u1'), objects });
const proc = (name: string, body: string): CodeObject => ({ db: 'shop', name, type: 'PROCEDURE', sqlMode: '', collation: null, body });
/** The findings of a config file holding `lines` under [mysqld], the target saying nothing (the rules alone judge). */
async function withConfig(lines: string) {
  const d = tempDir();
  writeFileSync(join(d, 'my.cnf'), `[mysqld]\n${lines}\n`);
  const options = serverOptions(parseOptionFile(join(d, 'my.cnf')));
  return incompatibilityReport({ rules, old: old(), target: target(), config: { options, verdicts: [] } });
}

describe('upgrade rules mariadb-10.5 -> mariadb-10.11', () => {
  it('the file is found for the step, names it, and every rule cites its source', () => {
    expect([rules.from, rules.to]).toEqual(['mariadb-10.5', 'mariadb-10.11']);
    expect(rules.file).toMatch(/mariadb-10\.5-to-10\.11\.json$/);
    for (const r of rules.rules) expect(r.cite, r.id).toMatch(/https:\/\//);
  });

  it('an option 10.11 refuses blocks (wsrep_strict_ddl); one it ignores warns (innodb_thread_concurrency); others pass', async () => {
    const f = serious(await withConfig('innodb_buffer_pool_size=1G\nwsrep_strict_ddl=ON\ninnodb_thread_concurrency=16'));
    expect(f.map((x) => [x.severity, x.kind, x.where.replace(/.*\//, '')])).toEqual([
      ['blocking', 'option-refused', 'my.cnf:3'],
      ['warning', 'option-ignored', 'my.cnf:4'],
    ]);
    expect(f[0]!.message).toMatch(/wsrep_mode/);
    expect(serious(await withConfig('innodb_buffer_pool_size=1G\nwsrep_mode=STRICT_REPLICATION'))).toEqual([]);
  });

  it('code that names utf8 warns (shown as utf8mb3 on 10.11), utf8mb3 and utf8mb4 do not', async () => {
    const planted = proc('conv', "BEGIN\n  SELECT CONVERT(name USING utf8) FROM t;\n  SELECT _utf8'x' COLLATE utf8_bin;\nEND");
    const f = serious(await incompatibilityReport({ rules, old: old(planted), target: target() }));
    expect(f.map((x) => [x.severity, x.kind, x.where])).toEqual([
      ['warning', 'utf8-is-utf8mb3', 'shop.conv:2'],
      ['warning', 'utf8-is-utf8mb3', 'shop.conv:3'],
      ['warning', 'utf8-is-utf8mb3', 'shop.conv:3'],
    ]);
    expect(f[0]!.message).toMatch(/depends on the name utf8 .*utf8mb3/);
    const clean = proc(
      'conv',
      "BEGIN\n  SELECT CONVERT(name USING utf8mb4), CONVERT(name USING utf8mb3);\n  -- USING utf8 in a comment\n  SELECT 'utf8';\nEND",
    );
    expect(serious(await incompatibilityReport({ rules, old: old(clean), target: target() }))).toEqual([]);
  });

  it('OFFSET: a column of that name warns, an unquoted use in a routine blocks, a quoted one passes', async () => {
    const inv = old(proc('page', 'BEGIN\n  SELECT `offset` FROM t;\n  SELECT 1 AS offset;\nEND'));
    inv.identifiers.push({ where: 'shop.t.offset', name: 'offset', what: 'column' });
    const f = serious(await incompatibilityReport({ rules, old: inv, target: target() }));
    expect(f.map((x) => [x.severity, x.kind, x.where])).toEqual([
      ['warning', 'reserved-words-10.6', 'shop.t.offset'],
      ['blocking', 'reserved-words-10.6', 'shop.page:3'],
    ]);
    expect(goNoGo(f).verdict).toBe('no-go');
    // OFFSET used as the keyword it is (LIMIT ... OFFSET, OFFSET ... ROWS FETCH) parses on both versions
    const clean = old(
      proc(
        'page',
        'BEGIN\n  SELECT `offset` FROM t LIMIT 10 OFFSET 20;\n  SELECT a FROM t LIMIT n OFFSET @skip;\n  SELECT a FROM t ORDER BY a OFFSET 5 ROWS FETCH FIRST 2 ROWS ONLY;\nEND',
      ),
    );
    expect(serious(await incompatibilityReport({ rules, old: clean, target: target() }))).toEqual([]);
  });

  it('explicit_defaults_for_timestamp and SUPER without READ_ONLY ADMIN are notes; a config that sets the variable pins it', async () => {
    const f = await withConfig('innodb_buffer_pool_size=1G');
    expect(f.filter((x) => x.severity === 'info').map((x) => [x.kind, x.where])).toEqual(
      expect.arrayContaining([
        ['default-explicit-defaults-for-timestamp', 'server default explicit_defaults_for_timestamp'],
        ['super-without-read-only-admin', 'server default SUPER privilege'],
      ]),
    );
    const pinned = await withConfig('explicit_defaults_for_timestamp=OFF');
    expect(pinned.find((x) => x.kind === 'default-explicit-defaults-for-timestamp')).toMatchObject({
      where: 'option explicit_defaults_for_timestamp',
    });
  });

  it('an account whose plugin 10.11 lacks blocks; one whose plugin it has passes', async () => {
    const inv = old();
    inv.accounts.push(
      { user: 'legacy', host: '%', plugin: 'auth_gone', noPassword: false, locked: false },
      { user: 'app', host: '%', plugin: 'mysql_native_password', noPassword: false, locked: false },
    );
    const f = serious(await incompatibilityReport({ rules, old: inv, target: target() }));
    expect(f.map((x) => [x.severity, x.kind, x.where])).toEqual([['blocking', 'auth-plugin-available', "'legacy'@'%'"]]);
  });
  it('a TokuDB table blocks (10.11 has no TokuDB engine); InnoDB, MyISAM and Aria tables pass', async () => {
    const inv = old();
    inv.tables.push(
      { db: 'shop', name: 'events_log', engine: 'TokuDB', collation: 'utf8mb4_general_ci' },
      { db: 'shop', name: 'orders', engine: 'InnoDB', collation: 'utf8mb4_general_ci' },
    );
    const f = serious(await incompatibilityReport({ rules, old: inv, target: target() }));
    expect(f.map((x) => [x.severity, x.category, x.kind, x.where])).toEqual([
      ['blocking', 'engines', 'engine-removed-tokudb', 'shop.events_log'],
    ]);
    expect(f[0]!.message).toMatch(/uses the TokuDB engine, which the target does not have .*ENGINE=InnoDB/);
    expect(goNoGo(f).verdict).toBe('no-go');
    const clean = old();
    clean.tables.push(
      { db: 'shop', name: 'orders', engine: 'InnoDB', collation: 'utf8mb4_general_ci' },
      { db: 'shop', name: 'cache', engine: 'MyISAM', collation: 'utf8mb4_general_ci' },
      { db: 'shop', name: 'tokudb_notes', engine: 'Aria', collation: 'utf8mb4_general_ci' },
    );
    expect(serious(await incompatibilityReport({ rules, old: clean, target: target() }))).toEqual([]);
  });

  it('DES_ENCRYPT/DES_DECRYPT in code warn (deprecated in 10.10, still run: go); AES_ENCRYPT and the name in a string pass', async () => {
    const planted = proc('seal', "BEGIN\n  SET @c = DES_ENCRYPT(@card, 'k');\n  SELECT des_decrypt (c, 'k') FROM cards;\nEND");
    const f = serious(await incompatibilityReport({ rules, old: old(planted), target: target() }));
    expect(f.map((x) => [x.severity, x.category, x.kind, x.where])).toEqual([
      ['warning', 'object-definitions', 'function-deprecated-des', 'shop.seal:2'],
      ['warning', 'object-definitions', 'function-deprecated-des', 'shop.seal:3'],
    ]);
    expect(f[0]!.message).toMatch(/DES_ENCRYPT\( — deprecated on the target \(since 10\.10\.0\).*AES_ENCRYPT/);
    expect(goNoGo(f).verdict).toBe('go');
    const clean = proc('seal', "BEGIN\n  SET @c = AES_ENCRYPT(@card, 'k');\n  SELECT 'DES_ENCRYPT(' AS note; -- DES_DECRYPT(x)\nEND");
    expect(serious(await incompatibilityReport({ rules, old: old(clean), target: target() }))).toEqual([]);
  });
  it('a table whose default or columns are utf8 warns once, naming the columns (10.11 shows utf8mb3); utf8mb4, utf8mb3 and latin1 pass', async () => {
    const inv = old();
    inv.tables.push(
      { db: 'sakila', name: 'actor', engine: 'InnoDB', collation: 'utf8_general_ci' },
      { db: 'shop', name: 'notes', engine: 'InnoDB', collation: 'utf8mb4_general_ci' },
      { db: 'shop', name: 'orders', engine: 'InnoDB', collation: 'utf8mb4_general_ci' },
    );
    inv.columns.push(
      { db: 'sakila', table: 'actor', name: 'first_name', charset: 'utf8' },
      { db: 'sakila', table: 'actor', name: 'actor_id', charset: '' },
      { db: 'shop', table: 'notes', name: 'body', charset: 'utf8' },
      { db: 'shop', table: 'orders', name: 'ref', charset: 'utf8mb4' },
    );
    const f = serious(await incompatibilityReport({ rules, old: inv, target: target() }));
    expect(f.map((x) => [x.severity, x.category, x.kind, x.where])).toEqual([
      ['warning', 'object-definitions', 'utf8-tables-are-utf8mb3', 'sakila.actor'],
      ['warning', 'object-definitions', 'utf8-tables-are-utf8mb3', 'shop.notes'],
    ]);
    expect(f[0]!.message).toMatch(
      /its default character set is utf8 and 1 column\(s\) are utf8 \(first_name\), which the target stores and shows as utf8mb3/,
    );
    expect(f[1]!.message).toMatch(/^table shop\.notes: 1 column\(s\) are utf8 \(body\),/);
    const clean = old();
    clean.tables.push(
      { db: 'shop', name: 'a', engine: 'InnoDB', collation: 'utf8mb4_general_ci' },
      { db: 'shop', name: 'b', engine: 'InnoDB', collation: 'utf8mb3_general_ci' },
      { db: 'shop', name: 'c', engine: 'InnoDB', collation: 'latin1_swedish_ci' },
    );
    clean.columns.push(
      { db: 'shop', table: 'a', name: 'x', charset: 'utf8mb4' },
      { db: 'shop', table: 'b', name: 'y', charset: 'utf8mb3' },
      { db: 'shop', table: 'c', name: 'z', charset: 'latin1' },
    );
    expect(serious(await incompatibilityReport({ rules, old: clean, target: target() }))).toEqual([]);
  });

  it('a plugin 10.11 does not have blocks when the option file loads it and warns when INSTALL SONAME did; plugins it has pass', async () => {
    const d = tempDir();
    writeFileSync(join(d, 'my.cnf'), '[mysqld]\nplugin_load_add = server_audit=server_audit.so;ha_cassandra\n');
    const options = serverOptions(parseOptionFile(join(d, 'my.cnf')));
    const inv = old();
    inv.plugins.push(
      { name: 'CASSANDRA', type: 'STORAGE ENGINE', library: 'ha_cassandra.so' },
      { name: 'SERVER_AUDIT', type: 'AUDIT', library: 'server_audit.so' },
      { name: 'QUERY_RESPONSE_TIME', type: 'INFORMATION SCHEMA', library: 'query_response_time.so' },
      { name: 'FANCY_LOG', type: 'AUDIT', library: 'fancy_log.so' },
    );
    // what 10.11.18's ALL_PLUGINS lists: server_audit and query_response_time ship; Cassandra and fancy_log do not
    const has = target([], ['mysql_native_password', 'SERVER_AUDIT=server_audit.so', 'QUERY_RESPONSE_TIME=query_response_time.so']);
    const f = serious(await incompatibilityReport({ rules, old: inv, target: has, config: { options, verdicts: [] } }));
    expect(f.map((x) => [x.severity, x.category, x.kind, x.where.replace(/.*\//, '')])).toEqual([
      ['blocking', 'plugins', 'plugin-available', 'my.cnf:2'],
      ['warning', 'plugins', 'plugin-available', 'plugin FANCY_LOG'],
    ]);
    expect(f[0]!.message).toMatch(
      /storage engine plugin CASSANDRA from ha_cassandra\.so, which the target does not have .*removed in 10\.6.*loaded by plugin_load_add/,
    );
    expect(f[1]!.message).toMatch(/installed on the old server \(mysql\.plugin\)/);
    expect(goNoGo(f).verdict).toBe('no-go');
    // the same plugins on a target that ships every library: nothing to say
    const all = target(
      [],
      ['CASSANDRA=ha_cassandra.so', 'SERVER_AUDIT=server_audit.so', 'QUERY_RESPONSE_TIME=query_response_time.so', 'FANCY_LOG=fancy_log.so'],
    );
    expect(serious(await incompatibilityReport({ rules, old: inv, target: all, config: { options, verdicts: [] } }))).toEqual([]);
  });

  it('a plugin the option file loads from a library the target renamed blocks (the plugin is there, the file names the old library)', async () => {
    const d = tempDir();
    writeFileSync(join(d, 'my.cnf'), '[mysqld]\nplugin-load-add=query_cache_info_v1.so\n');
    const options = serverOptions(parseOptionFile(join(d, 'my.cnf')));
    const inv = old();
    inv.plugins.push({ name: 'QUERY_CACHE_INFO', type: 'INFORMATION SCHEMA', library: 'query_cache_info_v1.so' });
    const renamed = target([], ['QUERY_CACHE_INFO=query_cache_info.so']);
    const f = serious(await incompatibilityReport({ rules, old: inv, target: renamed, config: { options, verdicts: [] } }));
    expect(f.map((x) => [x.severity, x.kind, x.where.replace(/.*\//, '')])).toEqual([['blocking', 'plugin-available', 'my.cnf:2']]);
    expect(f[0]!.message).toMatch(/whose library the target no longer has \(it has the plugin in query_cache_info\.so\)/);
    const same = target([], ['QUERY_CACHE_INFO=query_cache_info_v1.so']);
    expect(serious(await incompatibilityReport({ rules, old: inv, target: same, config: { options, verdicts: [] } }))).toEqual([]);
  });
});
