import type { HistoryStore, StoreHealth } from "../store/history-store.ts";
import type { AgentHistoryStoreOptions } from "../agent/platform-deps.ts";

/**
 * An extra history backend: it receives every write the agent's own store gets (probe
 * samples, timeline events, measured numbers), after the store. Queries are answered by the
 * agent's own store only. Contract: must not throw synchronously; a rejected write is logged
 * and shown on `/readyz` (history line) but never stops the agent or the other backends.
 */
export interface HistoryBackend {
  /** Names it in logs and on /readyz. */
  name: string;
  open(options: AgentHistoryStoreOptions): HistoryBackendWriter;
}

export type HistoryBackendWriter = Pick<HistoryStore, "appendSamples" | "appendEvents" | "appendMetrics" | "close"> & { health?(): StoreHealth };

type Write = "appendSamples" | "appendEvents" | "appendMetrics";

/** The agent's store, with every write also sent to each backend. */
export function withHistoryBackends(primary: HistoryStore, backends: readonly HistoryBackend[], options: AgentHistoryStoreOptions): HistoryStore {
  if (backends.length === 0) return primary;
  const writers = backends.map((b) => ({ name: b.name, writer: b.open(options), error: undefined as string | undefined }));
  const fanOut = <K extends Write>(method: K) =>
    async (batch: Parameters<HistoryStore[K]>[0]): Promise<void> => {
      await (primary[method] as (b: typeof batch) => Promise<void>)(batch);
      await Promise.all(
        writers.map(async (w) => {
          try {
            await (w.writer[method] as (b: typeof batch) => Promise<void>)(batch);
            w.error = undefined;
          } catch (error) {
            w.error = `history backend ${w.name}: ${error instanceof Error ? error.message : String(error)}`;
            options.logger.warn("history backend write failed", { backend: w.name, write: method, error: w.error });
          }
        }),
      );
    };
  return {
    ...primary,
    appendSamples: fanOut("appendSamples"),
    appendEvents: fanOut("appendEvents"),
    appendMetrics: fanOut("appendMetrics"),
    queryEvents: (q) => primary.queryEvents(q),
    querySamples: (q) => primary.querySamples(q),
    queryMetricSeries: (q) => primary.queryMetricSeries(q),
    prune: (nowMs) => primary.prune(nowMs),
    health() {
      const own = primary.health();
      const failing = writers.map((w) => w.writer.health?.().error ?? w.error).filter((e): e is string => e !== undefined);
      if (failing.length === 0) return own;
      return { ok: false, error: [own.error, ...failing].filter(Boolean).join("; ") };
    },
    async close() {
      await primary.close();
      for (const w of writers) await w.writer.close().catch(() => {});
    },
  };
}
