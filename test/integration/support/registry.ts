// The OCI registry the digest and autoredeploy tests push to: LONGSHORE_TEST_REGISTRY
// (`host:port`, spoken to over plain HTTP) when set, else the local control plane's
// (src/localcluster/registry.ts). Another cluster (kind) has none to offer: the tests skip, and
// say why. Images are pushed through the distribution API itself: a config blob and a manifest
// with no layers, which is all a tag's digest needs and no container engine is involved.
import { createHash, randomBytes } from 'node:crypto';
import { createServer as createHttpServer, request as httpRequest } from 'node:http';
import { connect, createServer, type Socket } from 'node:net';
import { inject } from 'vitest';
import { clusterDir } from '../../../src/localcluster/cluster.ts';
import { readRegistryAddress, registryFile } from '../../../src/localcluster/registry.ts';
import { atEnd } from './cleanup.ts';
import type { StackClient } from './stacks.ts';
import { waitFor } from './wait.ts';

export type TestRegistry = { address: string } | { unavailable: string };

export async function testRegistry(): Promise<TestRegistry> {
  const given = process.env['LONGSHORE_TEST_REGISTRY'];
  if (given) return { address: given };
  if (!inject('localCluster'))
    return {
      unavailable: 'no OCI registry for this cluster: set LONGSHORE_TEST_REGISTRY=host:port to one the tests may push to',
    };
  const address = await readRegistryAddress(clusterDir());
  if (address === undefined)
    return {
      unavailable:
        `the local control plane has no OCI registry (${registryFile(clusterDir())} is missing: a cluster started ` +
        'before the registry was added, reused; npm run cluster:down, then run the tests again)',
    };
  return { address };
}

const sha256 = (data: Buffer | string) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

async function ok(res: Response, what: string): Promise<Response> {
  if (!res.ok) throw new Error(`${what}: HTTP ${res.status} ${await res.text()}`);
  return res;
}

/**
 * Pushes a new image (one no push made before) to `address/repository:tag`; resolves to the
 * digest of its manifest, the digest the tag now points to.
 */
export async function pushImage(address: string, repository: string, tag: string): Promise<string> {
  const base = `http://${address}/v2/${repository}`;
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { Labels: { 'longshore.test/nonce': randomBytes(8).toString('hex') } },
      rootfs: { type: 'layers', diff_ids: [] },
    }),
  );
  const configDigest = sha256(config);
  const started = await ok(await fetch(`${base}/blobs/uploads/`, { method: 'POST' }), 'start a blob upload');
  const location = new URL(started.headers.get('location') ?? '', `http://${address}`);
  location.searchParams.set('digest', configDigest);
  await ok(
    await fetch(location, { method: 'PUT', body: config, headers: { 'content-type': 'application/octet-stream' } }),
    'upload the config blob',
  );
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
    layers: [],
  });
  await ok(
    await fetch(`${base}/manifests/${tag}`, {
      method: 'PUT',
      body: manifest,
      headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
    }),
    `push ${repository}:${tag}`,
  );
  return sha256(manifest);
}

/** A TCP relay to the registry that a test can close: the registry, as its clients see it, stopped. */
export interface RegistryRelay {
  address: string;
  close(): Promise<void>;
}

export async function registryRelay(target: string): Promise<RegistryRelay> {
  const [host, port] = target.split(':');
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(port), host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const close = () =>
    new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    });
  atEnd(() => (server.listening ? close() : undefined));
  return { address: `127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`, close };
}

/** The image a service's pods run, from its Deployment. */
export async function runningImage(stacks: StackClient, stack: string, service: string): Promise<string | undefined> {
  const deployment = (await stacks.deployments(stack)).find((d) => d.metadata?.name === `${stack}-${service}`);
  return deployment?.spec?.template.spec?.containers[0]?.image;
}

/**
 * Creates a running stack of two services on one image, `follow` with autoredeploy and `still`
 * without, and waits until both run `expected` (the image pinned to the digest pushed).
 */
export async function createFollowingStack(stacks: StackClient, name: string, image: string, expected: string): Promise<void> {
  await stacks.create(name, {
    desiredState: 'Running',
    services: [
      { name: 'follow', image, autoredeploy: true },
      { name: 'still', image },
    ],
  });
  await waitFor(`both services of ${name} to run ${expected}`, 60_000, async () =>
    (await runningImage(stacks, name, 'follow')) === expected && (await runningImage(stacks, name, 'still')) === expected
      ? true
      : undefined,
  );
}

/** An HTTP proxy in front of the registry asking for a user name and password (Basic), as a private registry does. */
export interface AuthProxy {
  address: string;
  username: string;
  /** The password it takes; a test may change it (the credentials the cluster holds, now refused). */
  password: string;
  /** Requests it answered 401, and requests it forwarded. */
  refused: number;
  forwarded: number;
}

export async function basicAuthProxy(target: string, username: string, password: string): Promise<AuthProxy> {
  const [host, port] = target.split(':');
  const state: AuthProxy = { address: '', username, password, refused: 0, forwarded: 0 };
  const server = createHttpServer((req, res) => {
    const expected = `Basic ${Buffer.from(`${state.username}:${state.password}`).toString('base64')}`;
    if (req.headers.authorization !== expected) {
      state.refused++;
      res.writeHead(401, { 'www-authenticate': 'Basic realm="longshore-test"', 'content-type': 'application/json' });
      res.end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}');
      return;
    }
    state.forwarded++;
    const { authorization: _, ...headers } = req.headers;
    const upstream = httpRequest({ host, port: Number(port), method: req.method, path: req.url, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  state.address = `127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  atEnd(() => new Promise<void>((r) => server.close(() => r())));
  return state;
}
