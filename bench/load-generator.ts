// The façade load generator, run as a process of its own so that its CPU is not Longshore's
// nor the orchestrator's: `concurrency` keep-alive connections each sending GET `path` back to
// back until `durationMs` passes or `maxRequests` have been sent. Prints one JSON line.
//
//   node bench/load-generator.ts '{"url":"http://127.0.0.1:8080","token":"...","path":"/api/...",
//     "concurrency":16,"durationMs":10000,"maxRequests":200000}'
import { FacadeClient } from './http.ts';
import { roundSummary, summarize } from './stats.ts';

interface Options {
  url: string;
  token: string;
  path: string;
  concurrency: number;
  durationMs: number;
  maxRequests: number;
}

const opts = JSON.parse(process.argv[2] ?? '{}') as Options;
const client = new FacadeClient(opts.url, opts.token, opts.concurrency);
const latencies: number[] = [];
const statuses: Record<string, number> = {};
let sent = 0;
let failures = 0;
const started = performance.now();
const end = started + opts.durationMs;

async function connection(): Promise<void> {
  while (performance.now() < end && sent < opts.maxRequests) {
    sent++;
    try {
      const reply = await client.request('GET', opts.path, undefined, 10_000);
      latencies.push(reply.ms);
      statuses[reply.status] = (statuses[reply.status] ?? 0) + 1;
    } catch {
      failures++;
    }
  }
}

await Promise.all(Array.from({ length: opts.concurrency }, connection));
const seconds = (performance.now() - started) / 1000;
client.close();
const cpu = process.cpuUsage();
const ok = statuses['200'] ?? 0;
process.stdout.write(
  `${JSON.stringify({
    requests: sent,
    ok,
    failures,
    statuses,
    seconds: Math.round(seconds * 100) / 100,
    requestsPerSecond: Math.round(ok / seconds),
    latencyMs: roundSummary(summarize(latencies)),
    cpuSeconds: Math.round(((cpu.user + cpu.system) / 1e6) * 100) / 100,
  })}\n`,
);
