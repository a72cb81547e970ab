// Cluster DNS for the local control plane: CoreDNS and its kubernetes plugin, reading the API
// server through the admin kubeconfig, on 127.0.0.1 only. It answers what a pod's resolver
// would ask in a real cluster (Services, headless endpoints by hostname, Pods, reverse
// lookups), so tests can check names as a pod of a stack resolves them. Nothing forwards
// other names upstream: no pod runs here, and a query for a name outside the cluster's zones
// gets REFUSED at once instead of waiting on an upstream that may not answer.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readAddressFile, removeAddressFile, writeAddressFile } from './address-file.ts';
import { binaryFromBuildOutput } from './build-output.ts';
import { get } from './probe.ts';
import { type StartedProcess, startProcess, waitReady } from './process.ts';

export const CLUSTER_DOMAIN = 'cluster.local';
// The zones the kubernetes plugin answers, as kubeadm's default Corefile has them.
const ZONES = [CLUSTER_DOMAIN, 'in-addr.arpa', 'ip6.arpa'];

/** The file beside the kubeconfig that holds the DNS server's address, `127.0.0.1:PORT`. */
export const dnsFile = (dir: string) => join(dir, 'dns');

export interface CorefileOptions {
  port: number;
  readyPort: number;
  kubeconfig: string;
}

export function corefile(o: CorefileOptions): string {
  return `# Written by the local control plane (src/localcluster/coredns.ts) at each start.
${ZONES.map((z) => `${z}:${o.port}`).join(' ')} {
    bind 127.0.0.1
    errors
    ready 127.0.0.1:${o.readyPort}
    kubernetes ${ZONES.join(' ')} {
        kubeconfig ${JSON.stringify(o.kubeconfig)}
        pods insecure
        ttl 5
    }
}
`;
}

/** Starts CoreDNS; resolve it with `waitCoreDnsReady`. */
export async function startCoreDns(binary: string, dir: string, logs: string, o: CorefileOptions): Promise<StartedProcess> {
  const conf = join(dir, 'Corefile');
  await writeFile(conf, corefile(o));
  return startProcess('coredns', binary, ['-conf', conf], join(logs, 'coredns.log'));
}

/**
 * Ready once /ready answers 200: the kubernetes plugin has listed Services, EndpointSlices and
 * Namespaces from the API server, so an answer it gives reflects the cluster. Then the
 * address is written for tests and users.
 */
export async function waitCoreDnsReady(p: StartedProcess, dir: string, o: CorefileOptions, timeoutMs: number): Promise<string> {
  await waitReady(p, 'GET /ready', timeoutMs, async () => (await get(`http://127.0.0.1:${o.readyPort}/ready`)).status === 200);
  const address = `127.0.0.1:${o.port}`;
  await writeAddressFile(dnsFile(dir), address);
  return address;
}

/** The address of a running local cluster's DNS server, from the file `up` wrote. */
export const readDnsAddress = (dir: string) => readAddressFile(dnsFile(dir));

export const removeDnsFile = (dir: string) => removeAddressFile(dnsFile(dir));

/** The CoreDNS binary from cluster/build.sh's `COREDNS=<path>` line. */
export const corednsFromBuildOutput = (lines: string[]) => binaryFromBuildOutput(lines, 'COREDNS');
