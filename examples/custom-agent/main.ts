/**
 * A custom agent: Satellite with one checker kind and one history backend of our own, built
 * into its own executable with `bun scripts/build.ts --entry=examples/custom-agent/main.ts
 * --outfile=dist/custom-agent`. Usage: custom-agent CONFIG.json (docs/configuration.md keys;
 * `checks` may use kind `file-freshness`). Stops on SIGTERM or SIGINT.
 */
import { readFileSync } from "node:fs";
import { startCustomAgent } from "../../src/lib/index.ts";
import { fileFreshnessKind } from "./file-freshness.ts";
import { jsonlBackend } from "./jsonl-backend.ts";

const configPath = process.argv[2];
if (!configPath) {
  console.error("usage: custom-agent CONFIG.json");
  process.exit(2);
}

try {
  const agent = await startCustomAgent({
    config: JSON.parse(readFileSync(configPath, "utf8")) as Record<string, unknown>,
    checkerKinds: [fileFreshnessKind],
    historyBackends: [jsonlBackend],
    notifiers: [{ name: "stderr", accept: (e) => e.kind === "cluster", handle: async (e) => void console.error(`cluster: ${e.type}`) }],
    collectOrphans: true,
  });
  const signal = await new Promise<string>((resolve) => {
    process.once("SIGTERM", () => resolve("SIGTERM"));
    process.once("SIGINT", () => resolve("SIGINT"));
  });
  console.error(`stopping on ${signal}`);
  await agent.stop();
  process.exit(0);
} catch (error) {
  console.error(`custom-agent: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
