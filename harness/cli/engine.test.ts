import { describe, expect, it } from 'vitest';
import { UsageError } from '../core/index.js';
import { cmdEngine } from './engine.js';

// The local engine as today (no DOCKER_HOST, no context): bad input is refused before the engine is asked anything.
describe('firedrill engine: bad input is one line (exit 2 through main)', () => {
  it('an unknown sub-command names the ones there are', async () => {
    await expect(cmdEngine(['start'])).rejects.toThrow(
      new UsageError('engine: expected dind, ls, rm NAME or show (see firedrill engine --help)'),
    );
  });
  it('rm refuses a name that is not a dind engine (never removes another run by mistake)', async () => {
    await expect(cmdEngine(['rm', 'fd-20261207-lease'])).rejects.toThrow(/^'fd-20261207-lease' is not a dind engine's name/);
    await expect(cmdEngine(['rm'])).rejects.toThrow(UsageError);
  });
});
