/** Percentile by nearest rank on a copy (p in 0..100). */
export const percentile = (values: readonly number[], p: number): number => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
};

export const median = (values: readonly number[]): number => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** Runs `run` `times` times in a row and returns every result (the caller takes the median). */
export async function repeat<T>(times: number, run: (attempt: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let attempt = 0; attempt < times; attempt++) results.push(await run(attempt));
  return results;
}

export const elapsedMs = (startedAt: number): number => performance.now() - startedAt;

export const formatNumber = (value: number, digits = 0): string =>
  Number.isFinite(value) ? value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : String(value);
