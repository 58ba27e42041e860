import { describe, expect, it } from 'vitest';
import { judgeOwner, processStart, selfToken, type OwnerToken } from './liveness.js';

const here: OwnerToken = { host: 'ci-1', pid: 100, pidns: 'pid:[4026531836]', boot: 'b1', start: '5000' };
const procs = new Map<number, string>([
  [4242, '777'],
  [100, '5000'],
]);
const startOf = (pid: number) => procs.get(pid);

describe('judgeOwner: liveness that another PID namespace cannot fool', () => {
  it('a live process of this namespace with its start time is alive', () => {
    expect(judgeOwner({ ...here, pid: 4242, start: '777' }, here, startOf)).toBe('alive');
  });
  it('a gone pid is dead; a reused pid (other start time) is dead', () => {
    expect(judgeOwner({ ...here, pid: 9999, start: '1' }, here, startOf)).toBe('dead');
    expect(judgeOwner({ ...here, pid: 4242, start: '123' }, here, startOf)).toBe('dead');
  });
  it('the same host name in another PID namespace is never judged dead by its pid (same pid gone here, or another process here)', () => {
    expect(judgeOwner({ ...here, pidns: 'pid:[4026532999]', pid: 9999, start: '1' }, here, startOf)).toBe('unknown');
    expect(judgeOwner({ ...here, pidns: 'pid:[4026532999]', pid: 4242, start: '1' }, here, startOf)).toBe('unknown');
  });
  it('another boot or another host is unknown', () => {
    expect(judgeOwner({ ...here, boot: 'b0', pid: 9999 }, here, startOf)).toBe('unknown');
    expect(judgeOwner({ ...here, host: 'ci-2', pid: 9999 }, here, startOf)).toBe('unknown');
  });
  it("reads this process's own start time from /proc", () => {
    const t = selfToken();
    expect(t.pid).toBe(process.pid);
    expect(processStart(process.pid)).toMatch(/^\d+$/);
    expect(judgeOwner(t)).toBe('alive');
  });
});
