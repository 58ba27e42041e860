import { describe, expect, it } from 'vitest';
import { telling } from './galera-sst-direction.js';

// the joiner's lines as 10.5.23 logged them after an rsync SST from a 10.11.18 donor (galera-rolling-upgrade)
const refused = [
  '2026-12-08  1:59:53 3 [Note] WSREP: SST received',
  '2026-12-08  1:59:54 0 [ERROR] InnoDB: Unsupported redo log format. The redo log was created with MariaDB 10.11.18.',
  '2026-12-08  1:59:54 0 [ERROR] Aborting',
  '2026-12-08  1:59:54 2 [ERROR] WSREP: Application state transfer failed. This is unrecoverable condition, restart required.',
  '261208  1:59:54 [ERROR] mysqld got signal 11 ;',
  'Printing to addr2line failed',
];

describe('telling (why a state transfer was refused)', () => {
  it("names the server's cause, not the wsrep aftermath or the crash report's last line", () => {
    expect(telling(refused)).toBe(refused[1]);
  });
  it('falls back to a wsrep error line, and to nothing without an error line', () => {
    expect(telling([refused[0]!, refused[3]!])).toBe(refused[3]);
    expect(telling([refused[0]!, refused[5]!])).toBeUndefined();
  });
});
