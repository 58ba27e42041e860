import { describe, expect, it } from 'vitest';
import { mountsUnder } from './images.js';

describe('image build clean-up: what debootstrap left mounted', () => {
  const info = [
    '22 1 8:1 / / rw,relatime - ext4 /dev/vda rw',
    '501 22 0:5 / /var/tmp/firedrill-base-ab12/root/dev rw - devtmpfs udev rw',
    '502 501 0:20 / /var/tmp/firedrill-base-ab12/root/dev/pts rw - devpts devpts rw',
    '503 22 0:4 / /var/tmp/firedrill-base-ab12/root/proc rw - proc proc rw',
    '504 22 0:4 / /var/tmp/firedrill-base-ab12/root2/proc rw - proc proc rw',
    '505 22 0:30 / /var/tmp/firedrill-base-ab12/root/with\\040space rw - tmpfs tmpfs rw',
    '',
  ].join('\n');
  it('lists the mounts inside the tree, deepest first, names unescaped; a sibling tree is not inside it', async () => {
    expect(await mountsUnder('/var/tmp/firedrill-base-ab12/root', info)).toEqual([
      '/var/tmp/firedrill-base-ab12/root/with space',
      '/var/tmp/firedrill-base-ab12/root/dev/pts',
      '/var/tmp/firedrill-base-ab12/root/proc',
      '/var/tmp/firedrill-base-ab12/root/dev',
    ]);
  });
  it('nothing mounted: nothing to unmount', async () => {
    expect(await mountsUnder('/var/tmp/firedrill-base-zz/root', info)).toEqual([]);
  });
});
