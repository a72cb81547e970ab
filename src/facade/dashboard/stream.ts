// The dashboard's live list: server-sent events fed by the informer cache, never by polling.
// A stream is one namespace's: first a `snapshot` of every stack, then a `stack` event per
// change and a `remove` per deletion. A page that loses the stream reconnects and gets a fresh
// snapshot, so nothing missed in between stays missed. Each stream ends after streamMaxMs, and
// at once when the client reads too slowly to keep up; the page then reconnects and is
// authenticated and authorised again, so a revoked token or role stops the updates.
import { PassThrough } from 'node:stream';
import type { Context } from 'koa';
import { access } from '../auth.ts';
import type { FacadeEnv } from '../env.ts';
import type { DashboardDeps } from './deps.ts';
import { stackSummary } from './stack-summary.ts';

export const DEFAULT_STREAM_MAX_MS = 5 * 60_000;
export const DEFAULT_HEARTBEAT_MS = 15_000;
/** Unsent data past which a stream is ended rather than buffered further (a stalled reader). */
export const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

export async function streamStacks(ctx: Context, env: FacadeEnv, dash: DashboardDeps): Promise<void> {
  const { namespace } = await access(ctx, env, 'list');
  const out = new PassThrough();
  const send = (event: string, data: unknown) => {
    if (out.writableLength > MAX_BUFFERED_BYTES) {
      out.end();
      return;
    }
    out.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  // Subscribed before the snapshot is read: a change in between is sent after the snapshot
  // (at worst twice), never lost.
  const unsubscribe = dash.subscribe((type, stack) => {
    if (stack.metadata.namespace !== namespace) return;
    if (type === 'delete') send('remove', { uuid: stack.metadata.uid ?? '' });
    else send('stack', stackSummary(stack));
  });
  const heartbeat = setInterval(() => out.write(': keep-alive\n\n'), dash.heartbeatMs ?? DEFAULT_HEARTBEAT_MS);
  const expiry = setTimeout(() => out.end(), dash.streamMaxMs ?? DEFAULT_STREAM_MAX_MS);
  const close = () => {
    clearInterval(heartbeat);
    clearTimeout(expiry);
    unsubscribe();
    out.end();
  };
  out.once('close', close);
  out.once('finish', close);
  ctx.req.once('close', close);

  ctx.req.socket.setTimeout(0);
  ctx.req.socket.setNoDelay(true);
  ctx.status = 200;
  ctx.type = 'text/event-stream';
  ctx.set('Cache-Control', 'no-store');
  ctx.body = out;
  out.write('retry: 1000\n\n');
  send('snapshot', { namespace, stacks: (await env.view.list(namespace)).map(stackSummary) });
}
