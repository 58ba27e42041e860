import { describe, expect, it } from 'vitest';
import { survivorMostAdvanced } from './galera-recovery.js';

describe('the survivor of crashes in quick succession may be bootstrapped', () => {
  it('when it has committed at least what every crashed member recovered', () => {
    const c = survivorMostAdvanced('galera-3', 420, [
      { node: 'galera-1', recovered: 415 },
      { node: 'galera-2', recovered: 420 },
    ]);
    expect(c.name).toBe('galera-3-most-advanced-after-the-crashes');
    expect(c.valid).toBe(true);
  });
  it('not when a crashed member is further ahead (its transactions would be thrown away), naming it', () => {
    const c = survivorMostAdvanced('galera-3', 420, [
      { node: 'galera-1', recovered: 415 },
      { node: 'galera-2', recovered: 423 },
    ]);
    expect(c.valid).toBe(false);
    expect(c.details['differences']).toEqual([
      { database: '*', object: 'galera-2', kind: 'crashed-member-more-advanced', where: 'galera-3', expected: 420, actual: 423 },
    ]);
  });
  it('not when a crashed member recovered no position', () => {
    const c = survivorMostAdvanced('galera-3', 420, [{ node: 'galera-1' }]);
    expect(c.valid).toBe(false);
    expect((c.details['differences'] as Array<{ kind: string }>).map((d) => d.kind)).toEqual(['position-not-recovered']);
  });
});
