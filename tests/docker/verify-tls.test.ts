// verify honours the DSN's TLS options against a real server with TLS (MariaDB 10.11, certificates made here with
// openssl): VERIFY_CA with the right CA and a wrong one, VERIFY_IDENTITY with a certificate that names another host
// and one that names the server's address.
import { execFileSync } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeDefinition, openTopologyContext, RunContext, type StartedNode } from '../../harness/runtime/index.js';
import { cli, quiet } from './helpers.js';

let run: RunContext;
let node: StartedNode;
let dir: string;
let env: Record<string, string>;

const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
/** A server certificate signed by the test CA, naming `san` (e.g. DNS:x or IP:1.2.3.4). */
async function serverCert(san: string): Promise<void> {
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=firedrill-tls-test');
  await writeFile(join(dir, 'ext.cnf'), `subjectAltName=${san}\n`);
  openssl(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.pem',
    '-days',
    '1',
    '-extfile',
    'ext.cnf',
  );
  await chmod(join(dir, 'server.key'), 0o644); // readable by the server's user inside the container (test keys only)
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fd-tls-'));
  await chmod(dir, 0o755);
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '1',
    '-subj',
    '/CN=firedrill-test-ca',
  );
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'other.key',
    '-out',
    'other-ca.pem',
    '-days',
    '1',
    '-subj',
    '/CN=another-ca',
  );
  await serverCert('DNS:db.elsewhere.example');
  run = new RunContext();
  const ctx = await openTopologyContext(run, 'mariadb-10.11', quiet);
  node = await new NodeDefinition(ctx, {
    name: 'tls',
    server: {
      serverId: 1,
      extra: ['--ssl-ca=/etc/fd-tls/ca.pem', '--ssl-cert=/etc/fd-tls/server.pem', '--ssl-key=/etc/fd-tls/server.key'],
    },
    mounts: [{ source: dir, target: '/etc/fd-tls', readOnly: true }],
  }).start();
  env = { FD_TEST_PW: ctx.creds.adminPassword };
}, 180_000);
afterAll(async () => {
  await run?.teardown();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const dsn = (opts: string) => `mysql://firedrill:\${FD_TEST_PW}@${node.address}:3306?${opts}`;
const verify = (opts: string) => cli(['verify', '--source', dsn(opts), '--target', dsn(opts)], { env });

describe('verify over TLS', () => {
  it("REQUIRED and VERIFY_CA with the server's CA connect; VERIFY_CA with another CA is refused (exit 2)", async () => {
    expect((await verify('ssl-mode=REQUIRED')).code).toBe(0);
    expect((await verify(`ssl-mode=VERIFY_CA&ssl-ca=${join(dir, 'ca.pem')}`)).code).toBe(0);
    const wrong = await verify(`ssl-mode=VERIFY_CA&ssl-ca=${join(dir, 'other-ca.pem')}`);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/cannot connect to firedrill@.* \(ssl-mode VERIFY_CA\): .*certificate/i);
  });

  it("VERIFY_IDENTITY refuses a certificate naming another host, and accepts one naming the server's address", async () => {
    const other = await verify(`ssl-mode=VERIFY_IDENTITY&ssl-ca=${join(dir, 'ca.pem')}`);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/\(ssl-mode VERIFY_IDENTITY\): .*(not in the cert|does not match)/i);
    await serverCert(`IP:${node.address}`);
    await node.query({ sql: 'FLUSH SSL' });
    const ok = await verify(`ssl-mode=VERIFY_IDENTITY&ssl-ca=${join(dir, 'ca.pem')}`);
    expect(ok.stderr).not.toMatch(/cannot connect/);
    expect(ok.code).toBe(0);
  });
});
