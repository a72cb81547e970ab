// The bench's knobs, from the environment; every default is what `npm run bench` measures.

function int(name: string, def: number, min = 0): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name}=${raw}: must be a whole number ≥ ${min}`);
  return n;
}

export interface Options {
  /** Started stacks of the controller scenario. */
  stacks: number;
  /** Stacks in the operator's namespace after growing it with stacks that are not started. */
  operatorStacks: number;
  /** Started stacks created one by one at pacedPerSecond, for the status latency without backlog. */
  pacedStacks: number;
  pacedPerSecond: number;
  /** Stacks (not started) served by a façade-only process for the large list measurements. */
  facadeListStacks: number;
  /** LONGSHORE_WORKERS of the operator under test. */
  workers: number;
  createConcurrency: number;
  applyConcurrency: number;
  idleSeconds: number;
  listRequests: number;
  loadSeconds: number;
  loadConnections: number;
  facadeStacks: number;
  facadeConcurrency: number;
  /** Rounds of creating and deleting started stacks, and stacks per round (memory comes back). */
  memoryRounds: number;
  roundStacks: number;
  /** Hostile bodies sent to the operator's façade: seconds and connections. */
  hostileSeconds: number;
  hostileConnections: number;
  /** Multiplies every phase's time limit (a slower machine). */
  timeScale: number;
}

export function readOptions(): Options {
  const stacks = int('BENCH_STACKS', 1000, 1);
  return {
    stacks,
    operatorStacks: int('BENCH_OPERATOR_STACKS', 0, 0),
    pacedStacks: int('BENCH_PACED_STACKS', 50, 0),
    pacedPerSecond: int('BENCH_PACED_PER_SECOND', 2, 1),
    facadeListStacks: int('BENCH_FACADE_LIST_STACKS', 10_000, 0),
    workers: int('BENCH_WORKERS', 16, 1),
    createConcurrency: int('BENCH_CREATE_CONCURRENCY', 16, 1),
    applyConcurrency: int('BENCH_APPLY_CONCURRENCY', 64, 1),
    idleSeconds: int('BENCH_IDLE_SECONDS', 30, 1),
    listRequests: int('BENCH_LIST_REQUESTS', 500, 10),
    loadSeconds: int('BENCH_LOAD_SECONDS', 10, 1),
    loadConnections: int('BENCH_LOAD_CONNECTIONS', 16, 1),
    facadeStacks: int('BENCH_FACADE_STACKS', 200, 0),
    facadeConcurrency: int('BENCH_FACADE_CONCURRENCY', 16, 1),
    memoryRounds: int('BENCH_MEMORY_ROUNDS', 3, 0),
    roundStacks: int('BENCH_ROUND_STACKS', 200, 1),
    hostileSeconds: int('BENCH_HOSTILE_SECONDS', 10, 0),
    hostileConnections: int('BENCH_HOSTILE_CONNECTIONS', 8, 1),
    timeScale: int('BENCH_TIME_SCALE', 1, 1),
  };
}

export const OPTION_HELP = `Environment (defaults in brackets):
  KUBECONFIG                bench against this cluster instead of starting a local one
  LONGSHORE_CLUSTER_DIR     where the bench's own local cluster lives [~/.cache/longshore/bench-cluster]
  BENCH_STACKS              started stacks, controller scenario [1000]
  BENCH_OPERATOR_STACKS     afterwards, grow the operator's namespace to this many stacks, the
                            extra ones not started, for RSS and idle CPU [0: no growth; on 2
                            cores the cluster creates ClusterIP Services at ~5-12/s, so 10000
                            takes well over an hour]
  BENCH_PACED_STACKS / BENCH_PACED_PER_SECOND   status latency without backlog [50] / [2]
  BENCH_FACADE_LIST_STACKS  stacks (not started) served by a façade-only process for the large
                            list measurements [10000]
  BENCH_WORKERS             LONGSHORE_WORKERS of the operator [16]
  BENCH_CREATE_CONCURRENCY  Stack creates in flight [16]
  BENCH_APPLY_CONCURRENCY   baseline applies in flight [64]
  BENCH_IDLE_SECONDS        idle CPU window [30]
  BENCH_LIST_REQUESTS       sequential list requests per measurement [500]
  BENCH_LOAD_SECONDS / BENCH_LOAD_CONNECTIONS   façade load [10] / [16]
  BENCH_FACADE_STACKS / BENCH_FACADE_CONCURRENCY   façade create+start [200] / [16]
  BENCH_MEMORY_ROUNDS / BENCH_ROUND_STACKS   rounds of creating started stacks and deleting
                            them all, RSS after each [3] / [200]
  BENCH_HOSTILE_SECONDS / BENCH_HOSTILE_CONNECTIONS   hostile bodies at the operator's façade,
                            RSS sampled meanwhile [10] / [8]
  BENCH_TIME_SCALE          multiplies every phase's time limit [1]`;
