import { describe, expect, it } from 'vitest';
import { rejoinedTheGroup, secondaryRefusedWrite } from './group-replication.js';

const SRO = 'The MySQL server is running with the --super-read-only option so it cannot execute this statement';
const member = (host: string, role = 'SECONDARY', state = 'ONLINE') => ({ host, role, state });

describe('a secondary refuses writes (super_read_only)', () => {
  it('passes on the server refusing the write with ER_OPTION_PREVENTS_STATEMENT for super_read_only', () => {
    expect(secondaryRefusedWrite('gr-2', 'firedrill', { refused: true, errno: 1290, message: SRO }).valid).toBe(true);
  });
  it('fails when the secondary took the write, with its answer', () => {
    const c = secondaryRefusedWrite('gr-2', 'firedrill', { refused: false, errno: 0, message: 'the write was accepted' });
    expect(c.valid).toBe(false);
    expect(c.name).toBe('gr-2-refuses-writes');
    expect(c.details['differences']).toMatchObject([{ object: 'gr-2', kind: 'write-not-refused-by-super-read-only' }]);
  });
  it('fails when the write failed for another reason (a missing table proves nothing about super_read_only)', () => {
    expect(
      secondaryRefusedWrite('gr-3', 'firedrill', { refused: true, errno: 1146, message: "Table 'firedrill.ledger' doesn't exist" }).valid,
    ).toBe(false);
    expect(
      secondaryRefusedWrite('gr-3', 'firedrill', { refused: true, errno: 1290, message: 'running with the --read-only option' }).valid,
    ).toBe(false);
  });
});

describe('the former primary rejoined the group', () => {
  const full = [member('gr-1'), member('gr-2', 'PRIMARY'), member('gr-3')];
  it('passes when the elected primary sees all three ONLINE under itself', () => {
    expect(rejoinedTheGroup('gr-1', 'gr-2', 3, { members: full }).valid).toBe(true);
  });
  it("fails on a thawed member's stale view: all ONLINE, but itself still PRIMARY", () => {
    const stale = [member('gr-1', 'PRIMARY'), member('gr-2'), member('gr-3')];
    const c = rejoinedTheGroup('gr-1', 'gr-2', 3, { members: stale });
    expect(c.valid).toBe(false);
    expect(c.details['differences']).toMatchObject([{ object: 'gr-1', expected: 'ONLINE under gr-2', actual: 'ONLINE PRIMARY' }]);
  });
  it('fails when it is still RECOVERING, missing from the group, or the wait timed out', () => {
    expect(rejoinedTheGroup('gr-1', 'gr-2', 3, { members: [member('gr-1', 'SECONDARY', 'RECOVERING'), ...full.slice(1)] }).valid).toBe(
      false,
    );
    const missing = rejoinedTheGroup('gr-1', 'gr-2', 3, { members: full.slice(1) });
    expect(missing.valid).toBe(false);
    expect(missing.details['differences']).toMatchObject([{ actual: 'not a member' }]);
    const timedOut = rejoinedTheGroup('gr-1', 'gr-2', 3, { error: 'timed out waiting for gr-1 to be ONLINE again' });
    expect(timedOut.details['differences']).toMatchObject([
      { kind: 'not-online-in-the-group', actual: 'timed out waiting for gr-1 to be ONLINE again' },
    ]);
  });
});
