// `longshore convert` on the real stack-file corpus: every file that converts gives a manifest
// the real API server accepts (server-side dry run, strict field validation); every file it
// refuses is refused with a message naming the file, and the service and key where there is one.
// Converted for a namespace labelled privileged, so that what only the Pod Security level
// refuses reaches the API server too (test/unit/cli/convert.test.ts checks the default level).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CustomObjectsApi } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { convertStackFiles } from '../../src/cli/convert.ts';
import { GROUP, PLURAL, VERSION } from '../../src/model/stack.ts';
import { CORPUS_DIR } from '../support/corpus.ts';
import { createTestNamespace, kubeConfig } from './support/cluster.ts';

const corpus = CORPUS_DIR;
const files = readdirSync(corpus).filter((f) => f.endsWith('.yml'));
const kc = kubeConfig();
const ns = await createTestNamespace('corpus');
const custom = kc.makeApiClient(CustomObjectsApi);

describe('converting the corpus of real stack files', () => {
  it('finds the 60 files', () => {
    expect(files).toHaveLength(60);
  });

  it.each(files)('%s converts to a manifest the API server accepts, or is refused clearly', async (file) => {
    const result = convertStackFiles([{ path: file, text: readFileSync(join(corpus, file), 'utf8') }], {
      namespace: ns,
      start: true,
      podSecurityLevel: 'privileged',
    });
    if (!result.ok) {
      expect(result.errors.length).toBeGreaterThan(0);
      for (const e of result.errors) expect(e).toMatch(new RegExp(`^${file.replace(/\./g, '\\.')}: `));
      return;
    }
    const manifest = parse(result.value, { version: '1.1' }) as { metadata: { name: string } };
    await custom.createNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      plural: PLURAL,
      namespace: ns,
      body: manifest,
      dryRun: 'All',
      fieldValidation: 'Strict',
    });
  });

  it('converts 57 of the 60 whole (docs/stack-files.md says so)', () => {
    const whole = files.filter(
      (f) => convertStackFiles([{ path: f, text: readFileSync(join(corpus, f), 'utf8') }], { podSecurityLevel: 'privileged' }).ok,
    );
    expect(whole).toHaveLength(57);
  });
});
