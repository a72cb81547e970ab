// A running local cluster writes the address of each server tests talk to (cluster DNS, the OCI
// registry) to a file of its own in the cluster directory, `127.0.0.1:PORT` on one line, so a
// test or a user finds it without parsing state.json.
import { readFile, rm, writeFile } from 'node:fs/promises';

export async function writeAddressFile(path: string, address: string): Promise<void> {
  await writeFile(path, `${address}\n`);
}

export async function readAddressFile(path: string): Promise<string | undefined> {
  try {
    const text = (await readFile(path, 'utf8')).trim();
    return text || undefined;
  } catch {
    return undefined;
  }
}

export async function removeAddressFile(path: string): Promise<void> {
  await rm(path, { force: true });
}
