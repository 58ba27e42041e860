import { describe, expect, it } from 'vitest';
import { cli, leftovers } from './helpers.js';

describe('Ctrl-C during a drill', () => {
  it('tears everything down and exits 130', async () => {
    let sent = false;
    const r = await cli(['run', 'replica-kill-restore', '--param', 'bulkMb=1'], {
      onStderr: (text, child) => { if (!sent && text.includes('phase replica-crash')) { sent = true; child.kill('SIGINT'); } },
    });
    expect(sent).toBe(true);
    expect(r.code).toBe(130);
    const runId = /run (\d{14}-[0-9a-f]{6})/.exec(r.stderr)?.[1];
    expect(runId).toBeDefined();
    expect(r.stderr).toContain('tearing down');
    expect(await leftovers(runId!)).toEqual([]);
  });
});
