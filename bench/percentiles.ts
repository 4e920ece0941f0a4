// Latency summaries: nearest-rank percentiles over a sample, in whole milliseconds.

export interface LatencySummary {
  count: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

export function summarize(values: readonly number[]): LatencySummary {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): number | null => {
    if (sorted.length === 0) return null;
    const rank = Math.max(1, Math.ceil(q * sorted.length));
    return round1(sorted[rank - 1] as number);
  };
  return { count: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: at(1) };
}

export function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
