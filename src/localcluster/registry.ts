// An OCI registry for the local control plane: go-containerregistry's in-memory registry
// (cmd/registry), on 127.0.0.1 only, speaking the OCI distribution API over plain HTTP without
// authentication. Tests push small images to it and watch Longshore resolve their tags to
// digests and redeploy when a tag moves. Its contents live in memory: a restart empties it.
import { join } from 'node:path';
import { readAddressFile, removeAddressFile, writeAddressFile } from './address-file.ts';
import { binaryFromBuildOutput } from './build-output.ts';
import { get } from './probe.ts';
import { type StartedProcess, startProcess, waitReady } from './process.ts';

/** The file beside the kubeconfig that holds the registry's address, `127.0.0.1:PORT`. */
export const registryFile = (dir: string) => join(dir, 'registry');

/** Starts the registry; resolve it with `waitRegistryReady`. */
export function startRegistry(binary: string, logs: string, port: number): StartedProcess {
  return startProcess('registry', binary, ['-port', String(port)], join(logs, 'registry.log'));
}

/**
 * Ready once GET /v2/ answers 200 (the distribution API's version check); then the address is
 * written for tests and users.
 */
export async function waitRegistryReady(p: StartedProcess, dir: string, port: number, timeoutMs: number): Promise<string> {
  const address = `127.0.0.1:${port}`;
  await waitReady(p, 'GET /v2/', timeoutMs, async () => (await get(`http://${address}/v2/`)).status === 200);
  await writeAddressFile(registryFile(dir), address);
  return address;
}

/** The address of a running local cluster's registry, from the file `up` wrote. */
export const readRegistryAddress = (dir: string) => readAddressFile(registryFile(dir));

export const removeRegistryFile = (dir: string) => removeAddressFile(registryFile(dir));

/** The registry binary from cluster/build.sh's `REGISTRY=<path>` line. */
export const registryFromBuildOutput = (lines: string[]) => binaryFromBuildOutput(lines, 'REGISTRY');
