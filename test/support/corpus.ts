// The real stack-file corpus lives in shared/, beside the repository (in CI too):
// ../shared/corpus/stackfiles from the repository's root. LONGSHORE_CORPUS overrides it.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export const CORPUS_DIR = process.env['LONGSHORE_CORPUS'] ?? resolve(root, '../shared/corpus/stackfiles');
export const INVALID_CORPUS_DIR = resolve(CORPUS_DIR, 'invalid');
