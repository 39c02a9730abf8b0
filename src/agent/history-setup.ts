import { join } from "node:path";
import type { AgentConfig } from "../config/load.ts";
import type { EventStream } from "../events/event-stream.ts";
import type { Logger } from "../platform/logger.ts";
import type { HistoryStore } from "../store/history-store.ts";
import { recordHistory } from "./history-recorder.ts";
import type { AgentPlatform } from "./platform-deps.ts";

export interface AgentHistory {
  store: HistoryStore;
  /** Unsubscribes the recorder; the store stays open. */
  stopRecording(): void;
}

/**
 * Opens `<state dir>/history.db` and records the event stream into it, starting with the events
 * published since `afterSeq` (the agent opens it after the initial join: the open and its
 * integrity check take milliseconds the join need not wait for, and nothing is lost meanwhile).
 */
export function openAgentHistory(config: Pick<AgentConfig, "stateDir" | "retentionMs" | "sampleRetentionMs">, platform: Pick<AgentPlatform, "openHistoryStore" | "clock">, events: EventStream, logger: Logger, afterSeq: number): AgentHistory {
  const store: HistoryStore = platform.openHistoryStore({
    path: join(config.stateDir, "history.db"),
    retentionMs: config.retentionMs,
    sampleRetentionMs: config.sampleRetentionMs,
    aggregateRetentionMs: config.retentionMs,
    clock: platform.clock,
    logger: logger.child({ part: "history" }),
    onWriteError: (kind) => events.publish({ type: "StoreWriteFailed", store: "sqlite", error: store.health().error ?? `writing ${kind} failed` }),
  });
  return { store, stopRecording: recordHistory(events, store, logger, afterSeq) };
}
