// The dashboard's live list: server-sent events fed by the informer cache, never by polling.
// A stream is one namespace's: first a `snapshot` of every stack, then a `stack` event per
// change and a `remove` per deletion. A page that loses the stream reconnects and gets a fresh
// snapshot, so nothing missed in between stays missed. Each stream ends after streamMaxMs, and
// at once when the client reads too slowly to keep up; the page then reconnects and is
// authenticated and authorised again, so a revoked token or role stops the updates. How many
// streams may be open is bounded (stream-slots.ts).
import type { Context } from 'koa';
import type { Stack } from '../../model/stack.ts';
import { access } from '../auth.ts';
import type { FacadeEnv } from '../env.ts';
import type { DashboardDeps } from './deps.ts';
import { type StackSummary, stackSummary } from './stack-summary.ts';
import type { StreamSlots } from './stream-slots.ts';

export const DEFAULT_STREAM_MAX_MS = 5 * 60_000;
export const DEFAULT_HEARTBEAT_MS = 15_000;
/** Unsent data past which a stream is ended rather than buffered further (a stalled reader). */
export const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/**
 * Summaries by cached object: every open stream of a namespace gets the same change, so it is
 * summarised once however many pages are open (a changed Stack is a new object in the cache).
 */
const summaries = new WeakMap<Stack, StackSummary>();
function summaryOf(stack: Stack): StackSummary {
  let summary = summaries.get(stack);
  if (summary === undefined) {
    summary = stackSummary(stack);
    summaries.set(stack, summary);
  }
  return summary;
}

export async function streamStacks(ctx: Context, env: FacadeEnv, dash: DashboardDeps, slots: StreamSlots): Promise<void> {
  const { namespace, identity } = await access(ctx, env, 'list');
  const release = slots.take(identity.username);
  // Changes are listened to before the snapshot is read and held until it is sent: a change
  // in between comes after the snapshot (at worst repeating it), never lost.
  let held: [string, unknown][] | undefined = [];
  let send: (event: string, data: unknown) => void = (event, data) => {
    held?.push([event, data]);
  };
  const unsubscribe = dash.subscribe((type, stack) => {
    if (stack.metadata.namespace !== namespace) return;
    if (type === 'delete') send('remove', { uuid: stack.metadata.uid ?? '' });
    else send('stack', summaryOf(stack));
  });
  let snapshot: StackSummary[];
  try {
    snapshot = (await env.view.list(namespace)).map(summaryOf);
  } catch (err) {
    unsubscribe();
    release();
    throw err;
  }
  // Written to the response directly: Koa would pipe a body stream and report the client
  // going away, the normal end of a stream, as an error.
  const res = ctx.res;
  ctx.respond = false;
  ctx.req.socket.setTimeout(0);
  ctx.req.socket.setNoDelay(true);
  res.writeHead(200, {
    ...(ctx.response.headers as Record<string, string>),
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
  });
  let open = true;
  const close = () => {
    if (!open) return;
    open = false;
    clearInterval(heartbeat);
    clearTimeout(expiry);
    unsubscribe();
    release();
    res.end();
  };
  const write = (text: string) => {
    if (!open) return;
    if (res.writableLength > MAX_BUFFERED_BYTES) close();
    else res.write(text);
  };
  const heartbeat = setInterval(() => write(': keep-alive\n\n'), dash.heartbeatMs ?? DEFAULT_HEARTBEAT_MS);
  const expiry = setTimeout(close, dash.streamMaxMs ?? DEFAULT_STREAM_MAX_MS);
  res.once('close', close);
  send = (event, data) => write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  write('retry: 1000\n\n');
  send('snapshot', { namespace, stacks: snapshot });
  for (const [event, data] of held) send(event, data);
  held = undefined;
}
