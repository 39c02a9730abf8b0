import { appendFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { HistoryBackend } from "../../src/lib/index.ts";

/**
 * A history backend of our own: every probe sample and timeline event as one JSON line in
 * `history.jsonl` beside the agent's database (a stand-in for shipping them elsewhere). The
 * agent's own store still answers /history.
 */
export const jsonlBackend: HistoryBackend = {
  name: "jsonl",
  open(options) {
    const file = join(dirname(options.path), "history.jsonl");
    const write = async (kind: string, rows: readonly object[]) => {
      if (rows.length > 0) await appendFile(file, rows.map((row) => `${JSON.stringify({ kind, ...row })}\n`).join(""), { mode: 0o600 });
    };
    return {
      appendSamples: (samples) => write("sample", samples),
      appendEvents: (events) => write("event", events),
      appendMetrics: async () => {},
      close: async () => {},
    };
  },
};
