// Small numeric helpers: percentiles (nearest rank), summaries and formatting.

export interface Summary {
  n: number;
  min: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile of an ascending array (p in 0..100). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

export function summarize(values: readonly number[]): Summary {
  const s = [...values].sort((a, b) => a - b);
  const sum = s.reduce((a, b) => a + b, 0);
  return {
    n: s.length,
    min: s[0] ?? Number.NaN,
    p50: percentile(s, 50),
    p90: percentile(s, 90),
    p99: percentile(s, 99),
    max: s[s.length - 1] ?? Number.NaN,
    mean: s.length ? sum / s.length : Number.NaN,
  };
}

/** Rounds for JSON output: 3 significant decimals are plenty for ms and seconds. */
export function round(v: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

export function roundSummary(s: Summary, digits = 2): Summary {
  return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, k === 'n' ? v : round(v, digits)])) as unknown as Summary;
}

export const ms = (v: number | undefined): string => (v === undefined || Number.isNaN(v) ? 'n/a' : `${round(v, 1)} ms`);
export const secs = (v: number | undefined): string => (v === undefined || Number.isNaN(v) ? 'n/a' : `${round(v, 1)} s`);
export const mib = (bytes: number | undefined): string => (bytes === undefined ? 'n/a' : `${round(bytes / 2 ** 20, 0)} MiB`);
