import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../core/index.js';
import { contextName, describeEngine, parsePublished, publishArgs } from './engine.js';
import { filesHow, placeMounts } from './mounts.js';
import { RunContext } from './run-context.js';

let certs: string;
let noKey: string;
let config: string;
beforeAll(async () => {
  certs = await mkdtemp(join(tmpdir(), 'fd-engine-certs-'));
  for (const f of ['ca.pem', 'cert.pem', 'key.pem']) await writeFile(join(certs, f), 'x');
  noKey = await mkdtemp(join(tmpdir(), 'fd-engine-nokey-'));
  for (const f of ['ca.pem', 'cert.pem']) await writeFile(join(noKey, f), 'x');
  config = await mkdtemp(join(tmpdir(), 'fd-engine-config-'));
  await writeFile(join(config, 'config.json'), JSON.stringify({ currentContext: 'ci-box' }));
});
afterAll(async () => {
  for (const d of [certs, noKey, config]) await rm(d, { recursive: true, force: true });
});

describe('describeEngine: which engine, how its nodes are reached, whether it shares our files', () => {
  it('no DOCKER_HOST: the local dockerd, nodes at their bridge address, host paths shared (what runs today)', () => {
    const e = describeEngine({});
    expect(e).toMatchObject({ transport: 'unix', endpoint: 'unix:///var/run/docker.sock', reach: 'bridge', remote: false });
    expect(e.tls).toBeUndefined();
  });
  it('DOCKER_HOST at the default socket under /run is the same local engine', () => {
    expect(describeEngine({ DOCKER_HOST: 'unix:///run/docker.sock' })).toMatchObject({ reach: 'bridge', remote: false });
  });
  it('a rootless or Podman socket: same files, but its bridges are not routed here, so published ports on loopback', () => {
    const e = describeEngine({ DOCKER_HOST: 'unix:///run/user/1000/podman/podman.sock' });
    expect(e).toMatchObject({ transport: 'unix', reach: 'published', remote: false, publishHost: '127.0.0.1' });
    expect(publishArgs(e, [3306])).toEqual(['-p', '127.0.0.1::3306']);
  });
  it('tcp:// without TLS: a remote engine, published ports at its host, no host paths', () => {
    const e = describeEngine({ DOCKER_HOST: 'tcp://10.1.2.3:2375' });
    expect(e).toMatchObject({ transport: 'tcp', reach: 'published', remote: true, publishHost: '10.1.2.3' });
    expect(e.tls).toBeUndefined();
    expect(publishArgs(e, [3306, 9000])).toEqual(['-p', '3306', '-p', '9000']);
  });
  it('tcp:// with DOCKER_TLS_VERIFY and DOCKER_CERT_PATH (a CI dind service): TLS verified with those files', () => {
    const e = describeEngine({ DOCKER_HOST: 'tcp://docker:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs });
    expect(e).toMatchObject({ transport: 'tcp', tls: { verify: true, certPath: certs }, publishHost: 'docker', remote: true });
  });
  it('TLS asked for with a certificate folder that lacks the key: one line naming what is missing', () => {
    const f = () => describeEngine({ DOCKER_HOST: 'tcp://docker:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: noKey });
    expect(f).toThrow(UsageError);
    expect(f).toThrow(`DOCKER_CERT_PATH ${noKey} lacks key.pem`);
  });
  it('ssh://: a remote engine reached at the ssh host name, without the user and port of the ssh login', () => {
    const e = describeEngine({ DOCKER_HOST: 'ssh://ops@db-box.example:2222' });
    expect(e).toMatchObject({ transport: 'ssh', reach: 'published', remote: true, publishHost: 'db-box.example' });
  });
  it('a docker context: its endpoint and TLS folder are used; DOCKER_HOST, when set, wins as for the CLI', () => {
    const ctx = { name: 'ci-box', host: 'tcp://192.168.5.9:2376', tlsPath: certs };
    expect(describeEngine({}, ctx)).toMatchObject({
      context: 'ci-box',
      publishHost: '192.168.5.9',
      tls: { verify: true, certPath: certs },
    });
    expect(describeEngine({ DOCKER_HOST: 'unix:///var/run/docker.sock' }, ctx)).toMatchObject({ reach: 'bridge', remote: false });
    expect(describeEngine({ DOCKER_HOST: 'unix:///var/run/docker.sock' }, ctx).context).toBeUndefined();
  });
  it('which context is in use: DOCKER_CONTEXT, else the CLI config current one; never with DOCKER_HOST, never "default"', () => {
    expect(contextName({ DOCKER_CONTEXT: 'lab' })).toBe('lab');
    expect(contextName({ DOCKER_CONTEXT: 'default' })).toBeUndefined();
    expect(contextName({ DOCKER_CONFIG: config })).toBe('ci-box');
    expect(contextName({ DOCKER_CONFIG: config, DOCKER_HOST: 'tcp://x:2375' })).toBeUndefined();
    expect(contextName({ DOCKER_CONFIG: join(config, 'absent') })).toBeUndefined();
  });
  it('FIREDRILL_ENGINE_REACH forces the reach (published on the local engine, bridge on a routed remote one); a bad value is bad input', () => {
    expect(describeEngine({ FIREDRILL_ENGINE_REACH: 'published' })).toMatchObject({ reach: 'published', remote: false });
    expect(describeEngine({ FIREDRILL_ENGINE_REACH: 'published' }).why).toMatch(/forced to published/);
    expect(describeEngine({ DOCKER_HOST: 'tcp://10.0.0.1:2375', FIREDRILL_ENGINE_REACH: 'bridge' })).toMatchObject({
      reach: 'bridge',
      remote: true,
    });
    expect(() => describeEngine({ FIREDRILL_ENGINE_REACH: 'ip' })).toThrow("FIREDRILL_ENGINE_REACH 'ip' is not one of: bridge, published");
  });
  it('an engine address that is not one: one line naming it', () => {
    expect(() => describeEngine({ DOCKER_HOST: 'docker:2376' })).toThrow(/unknown scheme docker:\/\//);
    expect(() => describeEngine({ DOCKER_HOST: '::' })).toThrow("DOCKER_HOST '::' is not an engine address");
  });
});

describe('parsePublished (docker port output)', () => {
  const remote = describeEngine({ DOCKER_HOST: 'tcp://10.1.2.3:2376' });
  const local = describeEngine({ FIREDRILL_ENGINE_REACH: 'published' });
  it('a port published on every address is reached at the engine host; the IPv4 line is preferred', () => {
    expect(parsePublished(remote, '[::]:49153\n0.0.0.0:49154\n')).toEqual({ host: '10.1.2.3', port: 49154 });
    expect(parsePublished(local, '127.0.0.1:32768\n')).toEqual({ host: '127.0.0.1', port: 32768 });
  });
  it('a port bound to one address is reached there; no binding is undefined', () => {
    expect(parsePublished(remote, '10.9.9.9:40000\n')).toEqual({ host: '10.9.9.9', port: 40000 });
    expect(parsePublished(remote, '')).toBeUndefined();
  });
  it('the bridge reach publishes nothing (the local engine is not slowed down nor exposed)', () => {
    expect(publishArgs(describeEngine({}), [3306])).toEqual([]);
  });
});

describe('placeMounts: harness paths in a container, per engine', () => {
  const mounts = [
    { source: '/var/tmp/store', target: '/backups', volume: 'fd-x-store' },
    { source: '/srv/ca.pem', target: '/etc/ca.pem', readOnly: true },
    { source: 'fd-x-restore-stage', target: '/stage', readOnly: true },
  ];
  it('an engine that shares this machine (local dockerd, a local rootless socket) bind-mounts them as before', async () => {
    expect(filesHow(describeEngine({}))).toBe('mounted');
    expect(filesHow(describeEngine({ DOCKER_HOST: 'unix:///run/user/1000/docker.sock' }))).toBe('mounted');
    const placed = await placeMounts(new RunContext('unit-x'), 'fd-x-backup-replica', mounts, 'mounted');
    expect(placed.args).toEqual([
      '-v',
      '/var/tmp/store:/backups',
      '-v',
      '/srv/ca.pem:/etc/ca.pem:ro',
      '-v',
      'fd-x-restore-stage:/stage:ro',
    ]);
  });
  it('a remote engine copies them: a volume that stands for a harness folder, and a run volume, are mounted as they are', async () => {
    expect(filesHow(describeEngine({ DOCKER_HOST: 'tcp://10.1.2.3:2375' }))).toBe('copied');
    expect(filesHow(describeEngine({ DOCKER_HOST: 'ssh://ci@builder' }))).toBe('copied');
    const placed = await placeMounts(new RunContext('unit-x'), 'c', [mounts[0]!, mounts[2]!], 'copied');
    expect(placed.args).toEqual(['-v', 'fd-x-store:/backups', '-v', 'fd-x-restore-stage:/stage:ro']);
  });
});
