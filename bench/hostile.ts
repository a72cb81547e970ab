// Issue #9's hostile bodies, sent concurrently to the running operator's façade while its
// resident memory is read from /proc: the process must stay inside the memory limit of the
// install manifests, answer every one with a small 4xx, and store nothing.
import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import type { FacadeClient } from './http.ts';
import type { Deadline } from './phases.ts';
import { memory } from './proc.ts';

/** name → [method, path suffix under /api/app/v1/<ns>/, body text]. */
function hostileRequests(namespace: string): [string, string, string, string | undefined][] {
  const stacks = `/api/app/v1/${namespace}/stack/`;
  const stack = (extra: Record<string, unknown>) =>
    JSON.stringify({ name: 'hostile', services: [{ name: 'web', image: 'nginx', ...extra }] });
  return [
    ['nested 5,000 deep', 'POST', stacks, `{"name":"hostile","services":${'['.repeat(5000)}${']'.repeat(5000)}}`],
    ['100,000 ports', 'POST', stacks, stack({ container_ports: Array.from({ length: 100_000 }, () => ({})) })],
    [
      '100,000 environment variables',
      'POST',
      stacks,
      stack({ container_envvars: Array.from({ length: 100_000 }, (_, i) => ({ key: `K${i}`, value: 'v' })) }),
    ],
    ['a 900 KB image name', 'POST', stacks, stack({ image: 'a'.repeat(900_000) })],
    ['services: null', 'POST', stacks, JSON.stringify({ name: 'hostile', services: null })],
    ['NUL in an image', 'POST', stacks, stack({ image: 'nginx\u0000' })],
    ['a 2 MiB body', 'POST', stacks, JSON.stringify({ name: 'hostile', nickname: 'n'.repeat(2 << 20) })],
    ['a 64 KiB URL', 'GET', `${stacks}?name=${'x'.repeat(64 << 10)}`, undefined],
  ];
}

/** The memory limit of Longshore's container in the install manifests, in bytes. */
export function manifestMemoryLimit(deploymentYaml: string): number | undefined {
  const m = /limits:\s*\n(?:\s+\w+:.*\n)*?\s+memory:\s*(\d+)(Mi|Gi)/.exec(deploymentYaml);
  if (!m) return undefined;
  return Number(m[1]) * (m[2] === 'Gi' ? 2 ** 30 : 2 ** 20);
}

export interface HostileResult {
  requests: number;
  connections: number;
  seconds: number;
  /** Replies by request kind and status. */
  replies: Record<string, Record<string, number>>;
  largestReplyBytes: number;
  rssBefore: number;
  /** The highest VmRSS sampled every 50 ms while the requests ran. */
  rssPeak: number;
  /** VmRSS 5 s after the last reply. */
  rssAfter: number;
  memoryLimit: number | undefined;
}

export async function hostileBodies(
  client: FacadeClient,
  pid: number,
  namespace: string,
  connections: number,
  durationMs: number,
  manifestPath: string,
  d: Deadline,
): Promise<HostileResult> {
  const kinds = hostileRequests(namespace);
  const replies: Record<string, Record<string, number>> = {};
  let largest = 0;
  let requests = 0;
  const rssBefore = memory(pid)?.rss ?? 0;
  let rssPeak = rssBefore;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, memory(pid)?.rss ?? 0);
  }, 50);
  const until = performance.now() + durationMs;
  try {
    await Promise.all(
      Array.from({ length: connections }, async (_, c) => {
        for (let i = c; performance.now() < until; i++) {
          d.check('the hostile requests to be answered', () => `${requests} answered`);
          const [name, method, path, body] = kinds[i % kinds.length]!;
          const reply = await client.send(method, path, body).catch((err: Error) => ({ status: 0, body: err.message, ms: 0 }));
          requests++;
          largest = Math.max(largest, Buffer.byteLength(reply.body));
          const byStatus = replies[name] ?? {};
          byStatus[String(reply.status)] = (byStatus[String(reply.status)] ?? 0) + 1;
          replies[name] = byStatus;
        }
      }),
    );
  } finally {
    clearInterval(sampler);
  }
  await delay(5_000);
  return {
    requests,
    connections,
    seconds: durationMs / 1000,
    replies,
    largestReplyBytes: largest,
    rssBefore,
    rssPeak,
    rssAfter: memory(pid)?.rss ?? 0,
    memoryLimit: manifestMemoryLimit(readFileSync(manifestPath, 'utf8')),
  };
}
