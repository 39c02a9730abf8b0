import { expect, test } from "bun:test";
import { reloadAgentConfig } from "../../src/cli/agent-reload.ts";
import { ConfigError } from "../../src/config/config-error.ts";
import type { AgentConfig } from "../../src/config/load.ts";
import { createMemoryLogger } from "../../src/platform/logger.ts";
import type { ReloadResult } from "../../src/agent/config-reload.ts";

const unchanged: ReloadResult = { checks: { added: [], removed: [], changed: [] }, eventHandlers: false, restartNeeded: [] };

// The agent loads its configuration asynchronously (the checks' kinds are loaded on first use):
// a reload waits for the load, and a load that rejects keeps the running configuration.
test("a SIGHUP reload awaits an asynchronous load and hands the loaded configuration to the agent", async () => {
  const config = { name: "n1" } as AgentConfig;
  const given: AgentConfig[] = [];
  const logger = createMemoryLogger();
  const ok = await reloadAgentConfig({ reload: async (next) => (given.push(next), unchanged) }, async () => config, logger);
  expect(ok).toBe(true);
  expect(given).toEqual([config]);
});

test("a load that rejects with config problems logs each and leaves the agent's configuration alone", async () => {
  const given: AgentConfig[] = [];
  const logger = createMemoryLogger();
  const problem = { source: "config file /etc/satellite.yaml", path: "checks[0].kind", message: 'unknown kind "htp"' };
  const ok = await reloadAgentConfig({ reload: async (next) => (given.push(next), unchanged) }, async () => Promise.reject(new ConfigError([problem])), logger);
  expect(ok).toBe(false);
  expect(given).toEqual([]);
  expect(logger.lines.join("\n")).toContain('unknown kind \\"htp\\"');
});
