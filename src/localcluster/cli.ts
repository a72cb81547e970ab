// `npm run cluster:up` / `cluster:down` / `cluster:status`: the local control plane by hand.
import { down, readState, up } from './cluster.ts';
import { isOurs } from './process.ts';

const command = process.argv[2];
const log = (line: string) => process.stderr.write(`${line}\n`);

try {
  if (command === 'up') {
    const state = await up({ log });
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
