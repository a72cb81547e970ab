// What the bench runs as "Longshore": what the image runs. The Dockerfile's CMD (node flags and
// the compiled entry point) is read from the Dockerfile itself, so that the bench measures the
// memory and CPU of the command that ships (V8 flags change the resident set by a third), and
// the sources are compiled as the image's build stage compiles them (`npm run build`'s
// tsconfig), into a directory under node_modules/.cache (never committed), next to a link to
// crds/ where the compiled code looks for the CRD, as in the image.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface ImageCommand {
  /** Node's flags from the Dockerfile's CMD, e.g. ["--max-semi-space-size=2"]. */
  nodeFlags: string[];
  /** The entry point relative to the image's working directory, e.g. "dist/main/index.js". */
  entry: string;
}

/** The node flags and entry point of the Dockerfile's exec-form `CMD ["node", ...flags, entry]`. */
export function imageCommand(dockerfile: string): ImageCommand {
  const line = dockerfile
    .split('\n')
    .filter((l) => /^CMD\s+\[/.test(l))
    .at(-1);
  if (line === undefined) throw new Error('the Dockerfile has no exec-form CMD ["node", ...]');
  const argv = JSON.parse(line.replace(/^CMD\s+/, '')) as unknown;
  if (!Array.isArray(argv) || argv[0] !== 'node' || argv.some((a) => typeof a !== 'string'))
    throw new Error(`the Dockerfile's CMD does not start node: ${line}`);
  const rest = (argv as string[]).slice(1);
  const entry = rest.at(-1);
  if (entry === undefined || entry.startsWith('-')) throw new Error(`the Dockerfile's CMD names no entry point: ${line}`);
  return { nodeFlags: rest.slice(0, -1), entry };
}

/**
 * Compiles the sources as the image does and answers the argv to run them with node: the
 * Dockerfile's flags and the compiled entry point.
 */
export function buildImageCommand(root: string): string[] {
  const cmd = imageCommand(readFileSync(join(root, 'Dockerfile'), 'utf8'));
  const app = join(root, 'node_modules/.cache/longshore/bench-app');
  rmSync(app, { recursive: true, force: true });
  mkdirSync(app, { recursive: true });
  execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', join(root, 'tsconfig.build.json'), '--outDir', join(app, 'dist')], {
    cwd: root,
    stdio: 'inherit',
  });
  symlinkSync(join(root, 'crds'), join(app, 'crds'));
  return [...cmd.nodeFlags, resolve(app, cmd.entry)];
}
