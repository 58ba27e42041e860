import { describe, expect, it } from 'vitest';
import { retryCheck } from './backup.js';

describe('backup-retry-succeeds', () => {
  it('passes when the retry ran and its artifact verifies', () => {
    expect(retryCheck('mariabackup-r-1', '0-1-5', '', '').valid).toBe(true);
  });
  it('records the cause when the retry failed', () => {
    const c = retryCheck('mariabackup-r-1', undefined, 'mariadb-backup exited 1', 'no artifact');
    expect(c.valid).toBe(false);
    expect(c.details['differences']).toEqual([
      { database: '*', object: 'mariabackup-r-1', kind: 'backup-retry-failed', actual: 'mariadb-backup exited 1' },
    ]);
  });
  it('records the refusal when the retry produced an artifact a restore would refuse', () => {
    const c = retryCheck('clone-r-1', 'x', '', 'sha256 of data/ibdata1 differs');
    expect(c.valid).toBe(false);
    expect(JSON.stringify(c.details['differences'])).toContain('retry-artifact-refused');
  });
});
