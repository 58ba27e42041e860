// Headless Chromium for tests of the HTML report: find it, run it, read the screenshots it writes.
import { spawnSync } from 'node:child_process';
import { inflateSync } from 'node:zlib';

/** The browser: FIREDRILL_CHROMIUM, or chromium / chromium-browser / google-chrome on PATH. */
function findChromium(): string {
  const candidates = [process.env.FIREDRILL_CHROMIUM, 'chromium', 'chromium-browser', 'google-chrome'].filter((c): c is string => !!c);
  for (const c of candidates) if (spawnSync(c, ['--version'], { encoding: 'utf8' }).status === 0) return c;
  throw new Error(
    `no chromium found (tried ${candidates.join(', ')}): run 'npm run setup' (it installs Debian's chromium) or set FIREDRILL_CHROMIUM`,
  );
}

export function chromium(args: string[], timeoutMs = 120_000): { stdout: string; stderr: string } {
  const r = spawnSync(
    findChromium(),
    ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--no-first-run', '--disable-dev-shm-usage', ...args],
    { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 << 20 },
  );
  if (r.status !== 0) throw new Error(`chromium ${args.join(' ')} failed (${r.status ?? r.signal}): ${r.stderr.slice(-1500)}`);
  return { stdout: r.stdout, stderr: r.stderr };
}

/** Decodes an 8-bit RGB/RGBA PNG (what Chromium writes) into pixels. */
export function decodePng(buf: Buffer): { width: number; height: number; px(x: number, y: number): [number, number, number] } {
  if (buf.subarray(0, 8).toString('hex') !== '89504e470d0a1a0a') throw new Error('not a PNG');
  let off = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (off < buf.length) {
    const len = buf.readUInt32BE(off);
    const type = buf.toString('latin1', off + 4, off + 8);
    const data = buf.subarray(off + 8, off + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      if (data[8] !== 8 || (data[9] !== 2 && data[9] !== 6) || data[12] !== 0)
        throw new Error(`unsupported PNG (depth ${data[8]}, color ${data[9]}, interlace ${data[12]})`);
      channels = data[9] === 6 ? 4 : 3;
    } else if (type === 'IDAT') idat.push(data);
    off += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const out = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)]!;
    for (let i = 0; i < stride; i++) {
      const x = raw[y * (stride + 1) + 1 + i]!;
      const a = i >= channels ? out[y * stride + i - channels]! : 0;
      const b = y > 0 ? out[(y - 1) * stride + i]! : 0;
      const c = y > 0 && i >= channels ? out[(y - 1) * stride + i - channels]! : 0;
      const p = a + b - c;
      const pa = Math.abs(p - a);
      const pb = Math.abs(p - b);
      const pc = Math.abs(p - c);
      const pred = f === 0 ? 0 : f === 1 ? a : f === 2 ? b : f === 3 ? (a + b) >> 1 : pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      out[y * stride + i] = (x + pred) & 0xff;
    }
  }
  return {
    width,
    height,
    px: (x, y) => [out[y * stride + x * channels]!, out[y * stride + x * channels + 1]!, out[y * stride + x * channels + 2]!],
  };
}
