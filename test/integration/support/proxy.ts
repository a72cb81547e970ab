// A TCP proxy in front of the API server (TLS passes through untouched), whose connections a
// test can cut, or silence: a silenced connection stays open but nothing more reaches the
// client, as with a dead peer behind a NAT or a hung load balancer.
import { connect, createServer, type Socket } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { atEnd } from './cleanup.ts';

interface Pair {
  client: Socket;
  upstream: Socket;
}

export interface ApiProxy {
  /** A kubeconfig like `kc` whose cluster is reached through the proxy. */
  kubeConfig: KubeConfig;
  connections(): number;
  /** Closes every open connection. */
  cutAll(): void;
  /** Stops forwarding the API server's bytes on every open connection; new ones work. */
  silenceAll(): void;
}

export async function apiProxy(kc: KubeConfig): Promise<ApiProxy> {
  const target = new URL(kc.getCurrentCluster()!.server);
  const pairs = new Set<Pair>();
  const server = createServer((client) => {
    const upstream = connect(Number(target.port || 443), target.hostname);
    const pair = { client, upstream };
    pairs.add(pair);
    client.pipe(upstream).pipe(client);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      pairs.delete(pair);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  // Keep-alive connections would hold close() open: end them first.
  atEnd(
    () =>
      new Promise<void>((r) => {
        for (const p of pairs) p.client.destroy();
        server.close(() => r());
      }),
  );
  const viaProxy = new KubeConfig();
  viaProxy.loadFromString(kc.exportConfig());
  const cluster = viaProxy.getCurrentCluster()!;
  // The serving certificate names 127.0.0.1, so TLS through the proxy still verifies.
  viaProxy.clusters = viaProxy.clusters.map((c) => (c.name === cluster.name ? { ...c, server: `https://127.0.0.1:${port}` } : c));
  return {
    kubeConfig: viaProxy,
    connections: () => pairs.size,
    cutAll: () => {
      for (const p of pairs) {
        p.client.destroy();
        p.upstream.destroy();
      }
      pairs.clear();
    },
    silenceAll: () => {
      for (const { upstream, client } of pairs) {
        upstream.unpipe(client);
        upstream.pause();
      }
    },
  };
}
