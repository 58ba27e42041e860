// On an engine that does not share this machine's files, what needs this machine's folders inside the engine refuses
// in one line before it asks the engine anything (no engine answers at this address: a docker call would fail
// differently, after its deadline).
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../core/index.js';

const ENGINE_VARS = ['DOCKER_HOST', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'DOCKER_TLS', 'DOCKER_CONTEXT'];
const saved = Object.fromEntries(ENGINE_VARS.map((v) => [v, process.env[v]]));
for (const v of ENGINE_VARS) delete process.env[v];
process.env['DOCKER_HOST'] = 'tcp://192.0.2.1:2376';
afterAll(() => {
  for (const v of ENGINE_VARS) {
    if (saved[v] === undefined) delete process.env[v];
    else process.env[v] = saved[v];
  }
});

describe('a remote engine: refusals of what cannot cross its API', () => {
  it('the instant check (an overlay on the backup folder of this machine) refuses, naming the folder', async () => {
    const { openInstant } = await import('./instant.js');
    const ctx = { run: { runId: 'unit' }, progress: () => {} } as unknown as Parameters<typeof openInstant>[0];
    const opened = openInstant(ctx, '/srv/backups/nightly/data', { name: 'instant', expectedFiles: [] });
    await expect(opened).rejects.toThrow(UsageError);
    await expect(opened).rejects.toThrow(/overlay whose lower layer is \/srv\/backups\/nightly\/data on this machine.*restore it instead/);
  });

  it('the fs-snapshot copy (the datadir volume read on this machine) refuses, naming the node', async () => {
    const { lockedVolumeCopy } = await import('../backup/fs-snapshot.js');
    const node = { name: 'backup-replica', volume: 'fd-unit-data' } as unknown as Parameters<typeof lockedVolumeCopy>[0];
    const copied = lockedVolumeCopy(node, '/tmp/never-written', () => {});
    await expect(copied).rejects.toThrow(UsageError);
    await expect(copied).rejects.toThrow(/^backup-replica: the fs-snapshot method copies the datadir volume's folder on this machine/);
  });
});
