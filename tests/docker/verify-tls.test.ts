// Every command honours the DSN's TLS options against a real server with TLS that sets require_secure_transport
// (MariaDB 10.11, certificates made here with openssl): verify with VERIFY_CA with the right CA and a wrong one,
// VERIFY_IDENTITY with a certificate that names another host and one that names the server's address; snapshot and a
// live --dataset with a wrong CA; a live copy whose dump tool must use TLS; the harness's own node session (TLS when
// offered) reaches the server too.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeDefinition, openTopologyContext, RunContext, type StartedNode } from '../../harness/runtime/index.js';
import { loadDataset, planDataset } from '../../harness/workload/index.js';
import { cli, quiet } from './helpers.js';

let run: RunContext;
let node: StartedNode;
let target: StartedNode;
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
      extra: [
        '--ssl-ca=/etc/fd-tls/ca.pem',
        '--ssl-cert=/etc/fd-tls/server.pem',
        '--ssl-key=/etc/fd-tls/server.key',
        '--require-secure-transport=ON',
      ],
    },
    mounts: [{ source: dir, target: '/etc/fd-tls', readOnly: true }],
  }).start();
  env = { FD_TEST_PW: ctx.creds.adminPassword };
  target = await new NodeDefinition(ctx, { name: 'copy-target', server: { serverId: 2 } }).start();
  // The node session (PREFERRED) reaches a server that refuses plaintext: it went over TLS.
  await node.query({ sql: 'CREATE DATABASE tlsdb' });
  await node.query({ sql: 'CREATE TABLE tlsdb.t (id INT PRIMARY KEY) ENGINE=InnoDB' });
  await node.query({ sql: 'INSERT INTO tlsdb.t VALUES (1), (2), (3)' });
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

describe('every command over TLS', () => {
  it('snapshot and a live --dataset refuse a server whose certificate another CA signed (exit 2, one line)', async () => {
    const wrong = dsn(`ssl-mode=VERIFY_CA&ssl-ca=${join(dir, 'other-ca.pem')}`);
    const out = join(dir, 'state.json');
    const s = await cli(['snapshot', '--source', wrong, '--out', out], { env });
    expect(s.code).toBe(2);
    expect(s.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/cannot connect to firedrill@.* \(ssl-mode VERIFY_CA\): .*certificate/i),
    ]);
    expect(existsSync(out)).toBe(false);
    const r = await cli(['run', 'replica-kill-restore', '--dataset', wrong.replace(':3306?', ':3306/tlsdb?')], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/dataset: cannot connect to firedrill@.* \(ssl-mode VERIFY_CA\): .*certificate/i);
    const ok = await cli(
      ['snapshot', '--source', dsn(`ssl-mode=VERIFY_CA&ssl-ca=${join(dir, 'ca.pem')}`).replace(':3306?', ':3306/tlsdb?'), '--out', out],
      {
        env,
      },
    );
    expect(ok.code).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8')).databases).toEqual(['tlsdb']);
  }, 180_000);

  it('ssl-mode=DISABLED is refused by a server that requires secure transport; the default, PREFERRED, gets in', async () => {
    const r = await verify('ssl-mode=DISABLED');
    expect(r.code).toBe(2);
    // MariaDB 10.11 answers a plaintext login under require_secure_transport with "Access denied".
    expect(r.stderr).toMatch(/cannot connect to firedrill@.* \(ssl-mode DISABLED\): .*(insecure transport|Access denied)/i);
    expect(r.stderr).not.toContain(env['FD_TEST_PW']!);
    // The same account with the default mode (PREFERRED: TLS when offered) gets in.
    expect((await verify('ssl-mode=PREFERRED')).code).toBe(0);
  }, 120_000);

  it("a live copy's dump tool connects with the DSN's TLS mode (plaintext would be refused by this server)", async () => {
    const server = { user: 'firedrill', password: env['FD_TEST_PW']!, host: node.address, port: 3306, tls: { mode: 'REQUIRED' as const } };
    const info = await loadDataset(target, await planDataset({ kind: 'live', server, databases: ['tlsdb'] }));
    expect(info.tables).toBe(1);
    expect(await target.query({ sql: 'SELECT COUNT(*) AS n FROM tlsdb.t' })).toEqual([{ n: '3' }]);
  }, 120_000);
});
