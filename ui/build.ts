// `npm run build:ui`: bundles the dashboard (ui/src, Preact) with esbuild into dist/ui:
// index.html, app.js, app.css and favicon.svg, the only files the façade serves under /ui/
// (src/facade/dashboard/assets.ts). Everything comes from node_modules: no CDN at run time.
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const DEFAULT_UI_OUTDIR = resolve(here, '../dist/ui');

export async function buildUi(outdir: string = DEFAULT_UI_OUTDIR): Promise<void> {
  // esbuild is a development dependency: imported only when building.
  const esbuild = await import('esbuild');
  await mkdir(outdir, { recursive: true });
  await esbuild.build({
    entryPoints: [join(here, 'src/main.tsx')],
    outfile: join(outdir, 'app.js'),
    bundle: true,
    format: 'esm',
    minify: true,
    target: 'es2022',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    legalComments: 'none',
    logLevel: 'warning',
  });
  for (const file of ['index.html', 'app.css', 'favicon.svg']) await copyFile(join(here, file), join(outdir, file));
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--outdir');
  await buildUi(at === -1 ? undefined : resolve(process.argv[at + 1] ?? ''));
}
