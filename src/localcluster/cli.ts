// `npm run cluster:up` / `cluster:down` / `cluster:status`: the local control plane by hand.
// stdout carries only lines to paste into a shell; what a person reads goes to stderr.
import { type ClusterState, down, readState, up } from './cluster.ts';
import { dnsFile } from './coredns.ts';
import { isOurs } from './process.ts';
import { registryFile } from './registry.ts';

const command = process.argv[2];
const log = (line: string) => process.stderr.write(`${line}\n`);

function printDns(state: ClusterState): void {
  if (!state.dns) {
    log('cluster DNS: none (this cluster was started without it; cluster:down, then cluster:up)');
    return;
  }
  const [host, port] = state.dns.split(':');
  log(
    `cluster DNS: ${state.dns} (also in ${dnsFile(state.dir)}); try: dig @${host} -p ${port} kubernetes.default.svc.cluster.local`,
  );
}

function printRegistry(state: ClusterState): void {
  if (!state.registry) {
    log('OCI registry: none (this cluster was started without it; cluster:down, then cluster:up)');
    return;
  }
  log(`OCI registry: ${state.registry} (also in ${registryFile(state.dir)}); try: curl http://${state.registry}/v2/_catalog`);
}

try {
  if (command === 'up') {
    const state = await up({ log });
    printDns(state);
    printRegistry(state);
    process.stdout.write(`export KUBECONFIG=${state.kubeconfig}\n`);
  } else if (command === 'down') {
    log((await down()) ? 'local cluster stopped' : 'no local cluster was running');
  } else if (command === 'status') {
    const state = await readState();
    if (!state) {
      log('no local cluster');
      process.exitCode = 1;
    } else {
      for (const p of state.processes)
        log(`${p.name.padEnd(24)} pid ${p.pid} ${isOurs(p) ? 'running' : 'NOT RUNNING'}  log: ${p.log}`);
      printDns(state);
      printRegistry(state);
      process.stdout.write(`export KUBECONFIG=${state.kubeconfig}\n`);
    }
  } else {
    log('usage: node src/localcluster/cli.ts up|down|status');
    process.exitCode = 2;
  }
} catch (err) {
  log(`error: ${(err as Error).message}`);
  process.exitCode = 1;
}
