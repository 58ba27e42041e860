import { execFileSync } from 'node:child_process';
import { NodeDefinition, openTopologyContext, RunContext } from '../harness/runtime/index.js';
const run = new RunContext();
try {
  const ctx = await openTopologyContext(run, 'mariadb-10.11', () => {});
  const node = await new NodeDefinition(ctx, { name: 'probe', server: { serverId: 1 } }).start();
  const c = await node.connect();
  console.log('node session ok', await c.query({ sql: "SHOW STATUS LIKE 'Ssl_cipher'" }));
  await c.close();
  for (const opts of [[], ['ssl', 'loose-disable-ssl-verify-server-cert'], ['skip-ssl'], ['ssl', 'ssl-verify-server-cert']]) {
    try {
      const out = execFileSync('docker', ['run', '--rm', '-i', '--network', ctx.network.name, '-e', 'FIREDRILL_EMPTY_DATADIR=1', ctx.image, 'mariadb', '--defaults-extra-file=/dev/stdin', '-N', '-e', "SHOW STATUS LIKE 'Ssl_cipher'"], {
        input: `[client]\nuser=${ctx.creds.admin}\npassword=${ctx.creds.adminPassword}\nhost=${node.address}\n${opts.join('\n')}\n`, stdio: ['pipe', 'pipe', 'pipe'] });
      console.log(opts.join(' '), '=>', out.toString().trim());
    } catch (e) { console.log(opts.join(' '), 'FAILED', String((e as { stderr?: Buffer }).stderr).trim().slice(0, 300)); }
  }
} finally { await run.teardown(); }
