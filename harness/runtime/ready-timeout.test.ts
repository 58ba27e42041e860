import { describe, expect, it } from 'vitest';
import { parseConfig } from './config.js';
import { DEFAULT_READY_TIMEOUT_RULE, readyTimeoutMs, redoCapacity, sizeOption } from './ready-timeout.js';

const GiB = 1024 ** 3;

describe('the ready deadline of a node', () => {
  it('is the floor for a node with nothing to recover, and grows with the redo to apply and the datadir', () => {
    expect(readyTimeoutMs()).toBe(120_000);
    // the measured crash (1.60 GiB of redo, 4.3 GiB datadir: ready after 134.9 s) is well inside its deadline
    const measured = readyTimeoutMs({ redoBytes: 1.6 * GiB, datadirBytes: 4.3 * GiB });
    expect(measured).toBe(441_000);
    expect(measured).toBeGreaterThan(134_900 * 3);
    // more of either means more time, never less
    expect(readyTimeoutMs({ redoBytes: 2 * GiB })).toBeGreaterThan(readyTimeoutMs({ redoBytes: GiB }));
    expect(readyTimeoutMs({ datadirBytes: 100 * GiB })).toBe((120 + 100 * 30) * 1000);
  });

  it('takes the rule from firedrill.config.json, any key left out keeping its measured default', () => {
    const cfg = parseConfig(JSON.stringify({ readyTimeout: { minSeconds: 30, secondsPerGiBRedo: 600 } }), 'firedrill.config.json');
    expect(cfg.readyTimeout).toEqual({ ...DEFAULT_READY_TIMEOUT_RULE, minSeconds: 30, secondsPerGiBRedo: 600 });
    expect(readyTimeoutMs({ redoBytes: GiB }, cfg.readyTimeout)).toBe(630_000);
    expect(parseConfig('{}', 'c.json').readyTimeout).toBeUndefined();
  });

  it('refuses a rule it cannot use, in one line naming the key', () => {
    expect(() => parseConfig(JSON.stringify({ readyTimeout: { minSecs: 30 } }), 'c.json')).toThrow(/readyTimeout: unknown key 'minSecs'/);
    expect(() => parseConfig(JSON.stringify({ readyTimeout: { minSeconds: 0 } }), 'c.json')).toThrow(
      /readyTimeout.minSeconds .*at least 1/,
    );
    expect(() => parseConfig(JSON.stringify({ readyTimeout: { secondsPerGiBData: -1 } }), 'c.json')).toThrow(/secondsPerGiBData/);
    expect(() => parseConfig(JSON.stringify({ readyTimeout: 300 }), 'c.json')).toThrow(/must be an object/);
  });

  it("reads the redo capacity from the user's server configuration, else the image's 64M", () => {
    expect(sizeOption('64M')).toBe(64 * 1024 ** 2);
    expect(sizeOption('2g')).toBe(2 * GiB);
    expect(sizeOption('1048576')).toBe(1048576);
    expect(sizeOption('lots')).toBeUndefined();
    expect(redoCapacity()).toBe(64 * 1024 ** 2);
    expect(redoCapacity([{ name: 'innodb-log-file-size', value: '4G' }])).toBe(4 * GiB);
    expect(
      redoCapacity([
        { name: 'innodb-log-file-size', value: '1G' },
        { name: 'innodb-log-files-in-group', value: '2' },
      ]),
    ).toBe(2 * GiB);
    expect(redoCapacity([{ name: 'innodb-redo-log-capacity', value: '8G' }])).toBe(8 * GiB);
  });
});
