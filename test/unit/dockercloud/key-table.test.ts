// docs/stack-files.md's key table is the whole truth about stack-file keys: every key the
// reader knows is a row (mapped, refused or warned), and every row is a key the reader knows,
// treated as the row says. No key is dropped silently.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEVICES_KEY } from '../../../src/dockercloud/devices.ts';
import { SHARED_KEYS } from '../../../src/dockercloud/shared-keys.ts';
import { IGNORED_KEYS, STACKFILE_KEYS, UNSUPPORTED_KEYS } from '../../../src/dockercloud/stackfile-keys.ts';

const DOC = resolve(dirname(fileURLToPath(import.meta.url)), '../../../docs/stack-files.md');

type Treatment = 'mapped' | 'refused' | 'warned';

/** The table's rows as key → treatment: keys are the backquoted words of the first cell, outside parentheses. */
function keyTable(markdown: string): Map<string, Treatment> {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => l.startsWith('| stack-file key |'));
  expect(start, 'the key table in docs/stack-files.md').toBeGreaterThanOrEqual(0);
  const rows = new Map<string, Treatment>();
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    const cells = line.split(/(?<!\\)\|/).map((c) => c.trim());
    const [, keysCell = '', treatment = ''] = cells;
    expect(['mapped', 'refused', 'warned'], `treatment of row "${keysCell}"`).toContain(treatment);
    const keys = [...keysCell.replace(/\([^)]*\)/g, '').matchAll(/`([a-z_]+)`/g)].map((m) => m[1]!);
    expect(keys.length, `keys of row "${keysCell}"`).toBeGreaterThan(0);
    for (const key of keys) {
      expect(rows.has(key), `"${key}" listed once`).toBe(false);
      rows.set(key, treatment as Treatment);
    }
  }
  return rows;
}

/** What the reader does with each stack-file key it knows. */
function readerKeys(): Map<string, Treatment> {
  // devices: accepted for a privileged container (checked, nothing stored), refused otherwise.
  const keys = new Map<string, Treatment>([
    ['name', 'mapped'],
    [DEVICES_KEY, 'mapped'],
  ]);
  for (const key of [...Object.keys(SHARED_KEYS), ...Object.keys(STACKFILE_KEYS)]) keys.set(key, 'mapped');
  for (const key of Object.keys(UNSUPPORTED_KEYS)) keys.set(key, 'refused');
  for (const key of Object.keys(IGNORED_KEYS)) keys.set(key, 'warned');
  return keys;
}

describe("docs/stack-files.md's key table", () => {
  const table = keyTable(readFileSync(DOC, 'utf8'));
  const reader = readerKeys();

  it('lists every key the reader knows', () => {
    expect([...reader.keys()].filter((k) => !table.has(k))).toEqual([]);
  });

  it('lists no key the reader does not know', () => {
    expect([...table.keys()].filter((k) => !reader.has(k))).toEqual([]);
  });

  it('says of each key what the reader does: refused and ignored keys exactly, a mapped key may be warned of', () => {
    for (const [key, treatment] of table) {
      const actual = reader.get(key);
      if (actual === 'mapped') expect(['mapped', 'warned'], key).toContain(treatment);
      else expect(treatment, key).toBe(actual);
    }
  });
});
