// `npm run crd`: writes the Stack CRD generated from the zod schema. A unit test checks the
// committed file equals what this writes, so run it after every change to stack.ts.
import { writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crdYaml } from './crd.ts';

export const CRD_PATH = join(resolve(dirname(fileURLToPath(import.meta.url)), '../..'), 'crds/stacks.longshore.io.yaml');

if (import.meta.main) {
  await writeFile(CRD_PATH, crdYaml());
  process.stdout.write(`wrote ${CRD_PATH}\n`);
}
