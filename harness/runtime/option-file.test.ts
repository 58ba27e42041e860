import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readOptionFileTree, readSingleOptionFile } from './option-file.js';

const d = mkdtempSync(join(tmpdir(), 'fd-optfile-'));
afterAll(() => rmSync(d, { recursive: true, force: true }));

describe('option files on disk', () => {
  it('follows !include and !includedir (its .cnf files in name order) where they stand, each file once', () => {
    mkdirSync(join(d, 'conf.d'));
    writeFileSync(join(d, 'conf.d', 'b.cnf'), '[mysqld]\nb=2\n');
    writeFileSync(join(d, 'conf.d', 'a.cnf'), '[mariadbd]\na=1\n!include ../my.cnf\n');
    writeFileSync(join(d, 'conf.d', 'notes.txt'), '[mysqld]\nignored=1\n');
    writeFileSync(join(d, 'my.cnf'), '[mysqld]\nfirst=0\n!includedir conf.d\nlast=9\n');
    const o = readOptionFileTree(join(d, 'my.cnf'));
    expect(o.map((x) => [x.name, x.group, x.file.slice(d.length + 1)])).toEqual([
      ['first', 'mysqld', 'my.cnf'],
      ['a', 'mariadbd', 'conf.d/a.cnf'],
      ['b', 'mysqld', 'conf.d/b.cnf'],
      // the group of the including file goes on after the include, as in the server
      ['last', 'mysqld', 'my.cnf'],
    ]);
  });

  it('--server-config: an unreadable file or an include is bad input', async () => {
    await expect(readSingleOptionFile(join(d, 'missing.cnf'))).rejects.toThrow(
      /--server-config .*missing\.cnf: cannot read the file \(ENOENT\)/,
    );
    await expect(readSingleOptionFile(join(d, 'my.cnf'))).rejects.toThrow(/my\.cnf:3: !includedir is not supported/);
  });
});
