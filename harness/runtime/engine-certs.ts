import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../exec/index.js';

/** A TLS engine's server files (put into its container, never left on the host) and where its client files are. */
export interface EngineCerts {
  server: { ca: Buffer; cert: Buffer; key: Buffer };
  /** DOCKER_CERT_PATH: ca.pem, cert.pem and key.pem (0600) of the client, in a 0700 folder. */
  clientDir: string;
}

const DAYS = '30';

/**
 * Makes a throwaway CA, a server certificate for `addresses` (IPs and names the engine is reached at) and a client
 * certificate, with openssl. The CA's key and the server's key exist on the host only in a private temporary folder
 * removed before this returns; the client's key stays in `clientDir` (0600), where the docker CLI reads it.
 */
export async function makeEngineCerts(clientDir: string, addresses: readonly string[]): Promise<EngineCerts> {
  const work = await mkdtemp(join(tmpdir(), 'firedrill-engine-ca-'));
  const ssl = (args: string[]) => run(['openssl', ...args], { timeoutMs: 30_000 });
  const p = (f: string) => join(work, f);
  try {
    for (const k of ['ca', 'server', 'client'])
      await ssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', p(`${k}-key.pem`)]);
    await ssl(['req', '-new', '-x509', '-days', DAYS, '-key', p('ca-key.pem'), '-subj', '/CN=firedrill engine CA', '-out', p('ca.pem')]);
    const san = addresses.map((a) => (/^[\d.]+$|:/.test(a) ? `IP:${a}` : `DNS:${a}`)).join(',');
    await writeFile(p('server.ext'), `subjectAltName=${san}\nextendedKeyUsage=serverAuth\n`);
    await writeFile(p('client.ext'), 'extendedKeyUsage=clientAuth\n');
    for (const [k, cn] of [
      ['server', 'firedrill engine'],
      ['client', 'firedrill'],
    ] as const) {
      await ssl(['req', '-new', '-key', p(`${k}-key.pem`), '-subj', `/CN=${cn}`, '-out', p(`${k}.csr`)]);
      await ssl(
        ['x509', '-req', '-days', DAYS, '-in', p(`${k}.csr`), '-CA', p('ca.pem'), '-CAkey', p('ca-key.pem'), '-CAcreateserial'].concat([
          '-extfile',
          p(`${k}.ext`),
          '-out',
          p(`${k}.pem`),
        ]),
      );
    }
    await mkdir(clientDir, { recursive: true, mode: 0o700 });
    await chmod(clientDir, 0o700);
    await copyFile(p('ca.pem'), join(clientDir, 'ca.pem'));
    await copyFile(p('client.pem'), join(clientDir, 'cert.pem'));
    await copyFile(p('client-key.pem'), join(clientDir, 'key.pem'));
    await chmod(join(clientDir, 'key.pem'), 0o600);
    return {
      server: { ca: await readFile(p('ca.pem')), cert: await readFile(p('server.pem')), key: await readFile(p('server-key.pem')) },
      clientDir,
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
