// src/runtime/ is a controller runtime that knows nothing of Stacks: its files import only one
// another, src/util/, Node's builtins and the npm packages Longshore depends on. This reads
// every file's import lines and fails on any other (src/model, src/translate, src/controller,
// ...), so the boundary holds as the code changes.
import { readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sourceFiles, specifiers } from '../support/imports.ts';

const root = resolve(import.meta.dirname, '../../..');
const dependencies = Object.keys(
  (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies,
);
const allowedDirs = ['src/runtime', 'src/util'];

/** The package an import names: `@scope/name` or `name`, without a subpath. */
const packageOf = (spec: string) =>
  spec
    .split('/')
    .slice(0, spec.startsWith('@') ? 2 : 1)
    .join('/');

/** Why `spec`, imported by `file` (relative to the repository), breaks the boundary; undefined when it does not. */
function violation(file: string, spec: string): string | undefined {
  if (spec.startsWith('node:') || isBuiltin(spec)) return undefined;
  if (spec.startsWith('.')) {
    const target = relative(root, resolve(root, dirname(file), spec));
    return allowedDirs.some((d) => target.startsWith(`${d}/`)) ? undefined : `${file} imports ${spec} (${target})`;
  }
  if (spec.startsWith('/')) return `${file} imports the absolute path ${spec}`;
  return dependencies.includes(packageOf(spec)) ? undefined : `${file} imports ${spec}, not a dependency in package.json`;
}

describe('src/runtime', () => {
  it('imports nothing but itself, src/util, Node builtins and npm dependencies', () => {
    const files = sourceFiles(root, 'src/runtime');
    const imports = files.flatMap((f) => specifiers(readFileSync(join(root, f), 'utf8')).map((s) => [f, s] as const));
    // The files were read and their imports found (an empty scan would pass anything).
    expect(files).toContain('src/runtime/informer.ts');
    expect(imports).toContainEqual(['src/runtime/informer.ts', '@kubernetes/client-node']);
    expect(imports.flatMap(([f, s]) => violation(f, s) ?? [])).toEqual([]);
  });

  it('the check catches a Stack import however it is written', () => {
    const file = 'src/runtime/x.ts';
    const source = [
      "import type { Stack } from '../model/stack.ts';",
      'import {\n  a,\n  type B,\n} from "../translate/index.ts";',
      "export { keyOf } from '../controller/caches.ts';",
      "import '../facade/server.ts';",
      "const m = await import('../dockercloud/stackfile.ts');",
      "import { x } from 'left-pad';",
      "// import { y } from '../model/errors.ts';",
      "import { z } from './queue.ts';",
      "import { w } from '../util/bounded.ts';",
      "import { createHash } from 'node:crypto';",
      "import type { Logger } from 'pino';",
    ].join('\n');
    expect(specifiers(source).flatMap((s) => violation(file, s) ?? [])).toEqual([
      'src/runtime/x.ts imports ../model/stack.ts (src/model/stack.ts)',
      'src/runtime/x.ts imports ../translate/index.ts (src/translate/index.ts)',
      'src/runtime/x.ts imports ../controller/caches.ts (src/controller/caches.ts)',
      'src/runtime/x.ts imports left-pad, not a dependency in package.json',
      'src/runtime/x.ts imports ../facade/server.ts (src/facade/server.ts)',
      'src/runtime/x.ts imports ../dockercloud/stackfile.ts (src/dockercloud/stackfile.ts)',
    ]);
  });
});
