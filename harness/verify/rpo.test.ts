import { describe, expect, it } from 'vitest';
import { judgeRpo } from './rpo.js';

describe('judgeRpo', () => {
  it('no expected loss: passes only at 0', () => {
    expect(judgeRpo(0, false).valid).toBe(true);
    expect(judgeRpo(3, false).valid).toBe(false);
    expect(judgeRpo(null, false).valid).toBe(false);
  });
  it('an expected loss: passes only when the loss equals the exact loss measured apart', () => {
    expect(judgeRpo(412, true, 412).valid).toBe(true);
    const off = judgeRpo(411, true, 412);
    expect(off.valid).toBe(false);
    expect(JSON.stringify(off.details['differences'])).toContain('loss-differs-from-expected');
  });
  it('an expected loss that was never measured fails, whatever the value (a value alone is not a pass)', () => {
    expect(judgeRpo(412, true).valid).toBe(false);
    expect(judgeRpo(null, true, 412).valid).toBe(false);
  });
});
