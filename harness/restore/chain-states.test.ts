import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { analyseChain } from './chain.js';
import { familyOfLocation, scanLocation } from './chain-scan.js';
import { stateAt, stateOf, stateOfBackup } from './chain-states.js';
import { cloneFolder, stateText } from './chain.test-fixture.js';

const U = '3e11fa47-71ca-11e1-9e33-c80aa9429562';
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fd-chain-states-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('states and MySQL clone backups in a location', () => {
  it('a clone folder with its state beside it is a full backup at the state point, a window of its own (MySQL)', async () => {
    await cloneFolder(join(dir, 'day1', 'clone'), `${U}:1-57`);
    const s = await scanLocation(dir);
    expect(familyOfLocation(s)).toBe('mysql');
    expect(s.backups).toEqual([
      { name: 'day1/clone', kind: 'full', bytes: 4096, createdAt: new Date('2026-12-01T02:05:00Z'), gtid: `${U}:1-57` },
    ]);
    expect(s.states.map((x) => x.name)).toEqual(['day1/clone.state.json']);
    const r = analyseChain('mysql', s.backups, s.binlogs, { now: Date.parse('2026-12-01T04:00:00Z') });
    expect(r.windows.map((w) => [w.backups, w.from.gtid])).toEqual([[['day1/clone'], `${U}:1-57`]]);
  });

  it('a clone folder without a state is listed with no point (a clone records its GTID only inside its tables)', async () => {
    await cloneFolder(join(dir, 'clone'));
    const s = await scanLocation(dir);
    expect(s.backups).toEqual([{ name: 'clone', kind: 'full', bytes: 4096 }]);
    expect(s.states).toEqual([]);
  });

  it("the README's layout: state.json in the dated folder belongs to the backup beside it", async () => {
    await cloneFolder(join(dir, '2026-12-01', 'full'));
    await writeFile(join(dir, '2026-12-01', 'state.json'), stateText('mysql', `${U}:1-9`, '2026-12-01T02:00:00Z'));
    const s = await scanLocation(dir);
    expect(s.backups[0]!.gtid).toBe(`${U}:1-9`);
    expect(stateOfBackup('2026-12-01/full', s.states)!.name).toBe('2026-12-01/state.json');
    expect(stateOfBackup('2026-12-02/full', s.states)).toBeUndefined();
  });

  it('a state is at a point only when its position is that exact GTID set, of the same family', () => {
    const states = [stateOf('a.state.json', stateText('mariadb', '0-1-45', '2026-12-01T02:45:00Z'))!];
    expect(stateAt('0-1-45', 'mariadb', states)?.name).toBe('a.state.json');
    expect(stateAt('0-1-44', 'mariadb', states)).toBeUndefined();
    expect(stateAt('0-1-45,1-2-3', 'mariadb', states)).toBeUndefined();
    expect(stateAt('0-1-45', 'mysql', states)).toBeUndefined();
  });

  it('JSON files that are not states, and damaged states, are not read as points', async () => {
    expect(stateOf('x.state.json', '{"format":"other"}')).toBeUndefined();
    expect(stateOf('x.state.json', '{"source":{"family":"mariadb"},"gtid":{"executed":""}}')).toBeUndefined();
    expect(stateOf('x.state.json', '{"source":')).toBeUndefined();
    await mkdir(join(dir, 'd'));
    await writeFile(join(dir, 'd', 'state.json'), 'not json');
    expect((await scanLocation(dir)).states).toEqual([]);
  });
});
