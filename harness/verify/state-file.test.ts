import { describe, expect, it } from 'vitest';
import { stateSql } from '../sql/index.js';
import { parseState, STATE_FORMAT } from './state-file.js';

describe('state file', () => {
  it('refuses what is not a firedrill state, naming why', () => {
    expect(() => parseState('not json')).toThrow(/not JSON/);
    expect(() => parseState('{"format":"firedrill-artifact/1"}')).toThrow(
      /not a firedrill state \(format "firedrill-artifact\/1", expected firedrill-state\/2\)/,
    );
    expect(() => parseState(JSON.stringify({ format: STATE_FORMAT, takenAt: 'x' }))).toThrow(/state lacks 'source'/);
  });

  it('reads a state file of format 1 (recorded before F31: its history compared as it was recorded) as well as format 2', () => {
    const body = { takenAt: 'x', source: {}, scope: 'all', gtid: {}, databases: [], tables: {}, objects: {}, accounts: {} };
    expect(STATE_FORMAT).toBe('firedrill-state/2');
    expect(parseState(JSON.stringify({ format: 'firedrill-state/1', ...body })).format).toBe('firedrill-state/1');
    expect(parseState(JSON.stringify({ format: STATE_FORMAT, ...body })).format).toBe(STATE_FORMAT);
    expect(() => parseState(JSON.stringify({ format: 'firedrill-state/3', ...body }))).toThrow(/not a firedrill state/);
  });
});

describe('stripSecrets: grants are stored without any password hash or auth string', () => {
  it('replaces MariaDB password hashes and plugin auth strings', () => {
    expect(
      stateSql.stripSecrets("GRANT USAGE ON *.* TO `app`@`%` IDENTIFIED BY PASSWORD '*6BB4837EB74329105EE4568DDA7DC67ED2CA2AD9'"),
    ).toBe("GRANT USAGE ON *.* TO `app`@`%` IDENTIFIED BY PASSWORD '<secret>'");
    expect(
      stateSql.stripSecrets(
        "GRANT USAGE ON *.* TO `x`@`%` IDENTIFIED VIA ed25519 USING 'ZIgUREUg5PVgQ6LskhXmO+eZLS0nC8be6HPjYWR4YJY' OR unix_socket",
      ),
    ).toBe("GRANT USAGE ON *.* TO `x`@`%` IDENTIFIED VIA ed25519 USING '<secret>' OR unix_socket");
  });
  it('replaces MySQL auth strings, quoted or hex', () => {
    expect(stateSql.stripSecrets("CREATE USER `u`@`%` IDENTIFIED WITH 'caching_sha2_password' AS '$A$005$abc''def' REQUIRE NONE")).toBe(
      "CREATE USER `u`@`%` IDENTIFIED WITH 'caching_sha2_password' AS '<secret>' REQUIRE NONE",
    );
    expect(stateSql.stripSecrets('CREATE USER `u`@`%` IDENTIFIED WITH caching_sha2_password AS 0x244124303035 REQUIRE NONE')).toBe(
      "CREATE USER `u`@`%` IDENTIFIED WITH caching_sha2_password AS '<secret>' REQUIRE NONE",
    );
  });
  it('leaves grants without secrets alone', () => {
    expect(stateSql.stripSecrets('GRANT SELECT ON `app`.* TO `r`@`10.%`')).toBe('GRANT SELECT ON `app`.* TO `r`@`10.%`');
  });
});
