import { percentile } from "../support/report.ts";

/**
 * The load the key-value bench puts on a store: closed-loop clients (each sends its next
 * request when the last one answered), and the time until a write is readable everywhere.
 */

/** One way to reach the store: an agent's HTTP API, or a backend object in this process. */
export interface KvBenchClient {
  put(key: string, value: Uint8Array): Promise<void>;
  /** The value, or undefined when the key is missing. */
  get(key: string): Promise<Uint8Array | undefined>;
}

export interface LoadResult {
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  firstError?: string;
}

/**
 * `concurrency` loops, each calling `op(loop, n)` on its own until `seconds` passed; latencies
 * of successful calls only, errors counted (the first one kept for the report).
 */
export async function closedLoop(seconds: number, concurrency: number, op: (loop: number, n: number) => Promise<void>): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, loop) => {
      for (let n = 0; performance.now() < end; n++) {
        const t0 = performance.now();
        try {
          await op(loop, n);
          latencies.push(performance.now() - t0);
        } catch (error) {
          errors++;
          firstError ??= error instanceof Error ? error.message : String(error);
        }
      }
    }),
  );
  const elapsedS = (performance.now() - start) / 1000;
  return { perSecond: latencies.length / elapsedS, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), errors, firstError };
}

const sameBytes = (a: Uint8Array | undefined, b: Uint8Array) => a !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Writes a fresh value through `writer`, then polls every reader until each returns it;
 * the time from the write's start until the last reader saw it, `rounds` times.
 */
export async function timeUntilReadableEverywhere(writer: KvBenchClient, readers: KvBenchClient[], rounds: number, timeoutMs = 10_000): Promise<{ p50Ms: number; p99Ms: number; maxMs: number; timedOut: number }> {
  const times: number[] = [];
  let timedOut = 0;
  for (let round = 0; round < rounds; round++) {
    const key = `bench/visible/${round}`;
    const value = new TextEncoder().encode(`round ${round} at ${performance.now()}`);
    const t0 = performance.now();
    await writer.put(key, value);
    const seen = await Promise.all(
      readers.map(async (reader) => {
        for (;;) {
          if (sameBytes(await reader.get(key).catch(() => undefined), value)) return performance.now();
          if (performance.now() - t0 > timeoutMs) return undefined;
          await Bun.sleep(1);
        }
      }),
    );
    if (seen.some((t) => t === undefined)) timedOut++;
    else times.push(Math.max(...(seen as number[])) - t0);
  }
  return { p50Ms: percentile(times, 50), p99Ms: percentile(times, 99), maxMs: times.length ? Math.max(...times) : Number.NaN, timedOut };
}
