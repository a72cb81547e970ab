// The dashboard's page: a few files built by `npm run build:ui` (ui/build.ts), served as they
// are. Only the files the build writes are served, by name; nothing else on disk is reachable.
import { readFile } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context } from 'koa';
import { HttpError } from '../errors.ts';

/**
 * Where the build writes the page: dist/ui, beside the compiled code (dist/facade/dashboard)
 * in the image, and in the checkout when run from source (src/facade/dashboard).
 */
export function builtAssetsDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return here.endsWith(`${sep}src${sep}facade${sep}dashboard`) ? join(here, '../../../dist/ui') : join(here, '../../ui');
}

/** What the build writes, and the type each is served as. */
export const ASSETS: Readonly<Record<string, string>> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
  'favicon.svg': 'image/svg+xml',
};

/**
 * Scripts, styles and requests only from this origin: no inline script or style, no eval, no
 * frame, no form posting elsewhere. The page's token sits in sessionStorage, so what may run
 * on the page is what protects it.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers on every answer under /ui/, the API's included. */
export function securityHeaders(ctx: Context): void {
  ctx.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('Referrer-Policy', 'no-referrer');
  ctx.set('X-Frame-Options', 'DENY');
}

export async function serveAsset(ctx: Context, assetsDir: string, file: string): Promise<void> {
  const type = Object.hasOwn(ASSETS, file) ? ASSETS[file] : undefined;
  if (type === undefined) throw new HttpError(404, `no such file in the dashboard: "${file.slice(0, 100)}"`);
  let body: Buffer;
  try {
    body = await readFile(join(assetsDir, file));
  } catch {
    throw new HttpError(503, 'the dashboard is not built: run `npm run build:ui` (the image carries it built)');
  }
  ctx.type = type;
  // The page is small; always revalidated, so a new build is seen on the next load.
  ctx.set('Cache-Control', 'no-cache');
  ctx.body = body;
}
