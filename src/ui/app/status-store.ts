/**
 * The latest `/status`, shared by every view. `refresh()` is called for each relevant live
 * event; a burst of events costs at most one request in flight plus one after it, spaced by
 * `gapMs` so the follow-up sees the agent's next render rather than its short cache.
 */
import { fetchStatus } from "./api.ts";
import type { ClusterModel } from "./status-model.ts";

export interface StatusStore {
  current(): ClusterModel | undefined;
  /** Why the last refresh failed; undefined after a success. */
  error(): string | undefined;
  refresh(): void;
  subscribe(listener: () => void): () => void;
}

export function createStatusStore(gapMs = 150): StatusStore {
  let model: ClusterModel | undefined;
  let lastError: string | undefined;
  let inFlight = false;
  let again = false;
  let startedAt = 0;
  const listeners = new Set<() => void>();
  const run = async () => {
    inFlight = true;
    startedAt = performance.now();
    try {
      model = await fetchStatus();
      lastError = undefined;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    inFlight = false;
    for (const listener of listeners) listener();
    if (again) {
      again = false;
      setTimeout(() => void run(), Math.max(0, gapMs - (performance.now() - startedAt)));
      inFlight = true;
    }
  };
  return {
    current: () => model,
    error: () => lastError,
    refresh() {
      if (inFlight) again = true;
      else void run();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
