// The live list: the façade's server-sent events, read with fetch so that the token goes in a
// header (EventSource cannot send one). A dropped or ended stream is opened again after a
// short wait; each new stream starts with a full snapshot, which replaces what the page held.
import { authHeaders, uiApi } from './api.ts';
import type { StackSummary } from './types.ts';

export interface LiveHandlers {
  snapshot(stacks: StackSummary[]): void;
  stack(stack: StackSummary): void;
  remove(uuid: string): void;
  connected(on: boolean): void;
  /** The token was refused (401): the page signs out. */
  unauthorized(): void;
}

/** Follows a namespace's stacks until the returned function is called. */
export function followStacks(namespace: string, on: LiveHandlers): () => void {
  let stopped = false;
  let controller: AbortController | undefined;
  let delay = 500;
  const run = async () => {
    while (!stopped) {
      controller = new AbortController();
      try {
        const response = await fetch(`${uiApi(namespace)}stream`, { headers: authHeaders(), signal: controller.signal });
        if (response.status === 401) {
          on.unauthorized();
          return;
        }
        if (response.ok && response.body !== null) {
          on.connected(true);
          delay = 500;
          await readEvents(response.body, (event, data) => {
            if (event === 'snapshot') on.snapshot((JSON.parse(data) as { stacks: StackSummary[] }).stacks);
            else if (event === 'stack') on.stack(JSON.parse(data) as StackSummary);
            else if (event === 'remove') on.remove((JSON.parse(data) as { uuid: string }).uuid);
          });
        }
      } catch {
        // A dropped connection: reconnect below.
      }
      if (stopped) return;
      on.connected(false);
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 8000);
    }
  };
  void run();
  return () => {
    stopped = true;
    controller?.abort();
  };
}

/** Parses a text/event-stream body, calling `dispatch` for each event with data. */
async function readEvents(body: ReadableStream<Uint8Array>, dispatch: (event: string, data: string) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end = buffer.indexOf('\n\n');
    while (end !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('data: ')) data.push(line.slice(6));
      }
      if (data.length > 0) dispatch(event, data.join('\n'));
      end = buffer.indexOf('\n\n');
    }
  }
}
