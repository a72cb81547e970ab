// The folders of src/ are floors: each may use the ones below it, none the ones above. A folder
// that imports one that imports it back (directly or around a loop) has no floor, and
// changing either means reading both. This builds the graph of which folder imports which
// from every file's import lines and fails on any loop, naming a file on each step of it.
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sourceFiles, specifiers } from './support/imports.ts';

const root = resolve(import.meta.dirname, '../..');

/** The top folder of src/ a path lies in ('model' for src/model/stack.ts); undefined outside src/. */
const floorOf = (path: string) => (path.startsWith('src/') ? path.split('/')[1] : undefined);

/** For each floor, the floors it imports, each with one file that does it (for the message). */
function floorGraph(files: readonly string[], read: (file: string) => string): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  for (const file of files) {
    const from = floorOf(file);
    if (from === undefined) continue;
    for (const spec of specifiers(read(file))) {
      if (!spec.startsWith('.')) continue;
      const to = floorOf(relative(root, resolve(root, dirname(file), spec)));
      if (to === undefined || to === from) continue;
      const edges = graph.get(from) ?? new Map<string, string>();
      if (!edges.has(to)) edges.set(to, `${file} imports ${spec}`);
      graph.set(from, edges);
    }
  }
  return graph;
}

/** Every loop of the graph, as the import lines that make it (found by depth-first search). */
function loops(graph: Map<string, Map<string, string>>): string[][] {
  const found: string[][] = [];
  const seen = new Set<string>();
  const visit = (node: string, path: string[], via: string[]) => {
    const at = path.indexOf(node);
    if (at >= 0) {
      found.push(via.slice(at));
      return;
    }
    if (seen.has(node)) return;
    for (const [next, why] of graph.get(node) ?? []) visit(next, [...path, node], [...via, why]);
    seen.add(node);
  };
  for (const node of graph.keys()) visit(node, [], []);
  return found;
}

describe('the floors of src/', () => {
  it('import one another without a loop', () => {
    const files = sourceFiles(root, 'src');
    const graph = floorGraph(files, (f) => readFileSync(resolve(root, f), 'utf8'));
    // The graph was built (an empty one would pass anything).
    expect(graph.get('controller')?.has('translate')).toBe(true);
    expect(loops(graph)).toEqual([]);
  });

  it('the check names the import lines of a loop', () => {
    const sources: Record<string, string> = {
      'src/states/derive.ts': "import { x } from '../translate/context.ts';",
      'src/translate/context.ts': "import { lifecycle } from '../states/lifecycle.ts';\nimport { y } from '../model/stack.ts';",
      'src/model/stack.ts': "import { z } from '../util/show.ts';",
    };
    const graph = floorGraph(Object.keys(sources), (f) => sources[f] ?? '');
    expect(loops(graph)).toEqual([
      ['src/states/derive.ts imports ../translate/context.ts', 'src/translate/context.ts imports ../states/lifecycle.ts'],
    ]);
  });
});
