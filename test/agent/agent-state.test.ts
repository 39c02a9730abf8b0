import { Database } from "bun:sqlite";
import { afterAll, describe, expect, test } from "bun:test";
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync, symlinkSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startAgent } from "../../src/agent/agent.ts";
import type { AgentPlatform } from "../../src/agent/platform-deps.ts";
import { checkerKinds, findCheckerKind } from "../../src/checkers/all-kinds.ts";
import { createAgentPlatform } from "../../src/cli/process-platform.ts";
import { loadAgentConfig } from "../../src/config/load.ts";
import { SatelliteError } from "../../src/platform/errors.ts";
import { lockStateDir } from "../../src/platform/state-dir-lock.ts";
import { createMemoryLogger, silentLogger } from "../../src/platform/logger.ts";
import { ManualClock } from "../../src/platform/manual-clock.ts";
import { createSqliteHistoryStore } from "../../src/store/sqlite/sqlite-history-store.ts";
import { waitFor } from "../support/processes.ts";

/** Whole agents (startAgent with the process's real platform) on loopback, over hostile state directories. */

const work = mkdtempSync(join(tmpdir(), "satellite-agent-state-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const kinds = { find: (kind: string) => findCheckerKind(kind), names: checkerKinds.map((k) => k.kind) };

async function startTestAgent(name: string, stateDir: string) {
  const config = loadAgentConfig({
    flags: { name, "rpc-addr": "127.0.0.1:0", "gossip-addr": "127.0.0.1:0", "state-dir": stateDir, config: "/no-checks.json" },
    env: {},
    readFile: () => '{"defaultChecks": false}',
    hostname: () => name,
    cwd: work,
    findKind: kinds.find,
    kindNames: kinds.names,
  });
  const logger = createMemoryLogger();
  const platform: AgentPlatform = { ...createAgentPlatform(), logger };
  const agent = await startAgent(config, platform, kinds);
  return { agent, logLines: logger.lines, base: `http://127.0.0.1:${agent.apiAddresses[0]?.port}` };
}

/** A history.db of many pages with garbage written over pages in the middle of the samples table. */
async function damagedHistory(path: string): Promise<void> {
  const store = createSqliteHistoryStore({ path, retentionMs: 86_400_000, clock: new ManualClock(Date.now()), logger: silentLogger, pruneIntervalMs: 0 });
  const now = Date.now();
  await store.appendSamples(Array.from({ length: 20_000 }, (_, i) => ({ ts: now - i * 1000, node: "n", checker: `c${i % 10}`, status: "running" as const, durationMs: 1, error: `error text ${i}` })));
  await store.close();
  const db = new Database(path);
  db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  const pageSize = (db.query("PRAGMA page_size").get() as { page_size: number }).page_size;
  const pages = (db.query("SELECT pageno FROM dbstat WHERE name = 'samples' ORDER BY pageno").all() as { pageno: number }[]).map((r) => r.pageno);
  db.close();
  const middle = Math.floor(pages.length / 2);
  const fd = openSync(path, "r+");
  for (const page of pages.slice(middle, middle + 3)) writeSync(fd, Buffer.alloc(pageSize, 0x5a), 0, pageSize, (page - 1) * pageSize);
  closeSync(fd);
}

describe("the agent's state directory", () => {
  test("a damaged history.db: /livez at once, then /readyz says damaged and what to do", async () => {
    const stateDir = join(work, "damaged");
    mkdirSync(stateDir);
    await damagedHistory(join(stateDir, "history.db"));
    const { agent, base, logLines } = await startTestAgent("damaged", stateDir);
    try {
      expect((await fetch(`${base}/livez`)).status).toBe(200);
      let readyz = "";
      await waitFor(
        async () => {
          readyz = await (await fetch(`${base}/readyz?verbose`)).text();
          return readyz.includes("[-]history failed");
        },
        10_000,
        "/readyz to report the damaged history",
      );
      expect(readyz).toContain(`[-]history failed: history database ${join(stateDir, "history.db")} is damaged (integrity check: `);
      expect(readyz).toContain("start satellite again: it creates a new, empty history.db");
      expect(logLines.filter((l) => l.includes("history database damaged"))).toHaveLength(1);
    } finally {
      await agent.stop();
    }
  });

  test("a new state directory is 0700 and history.db in it 0600", async () => {
    const stateDir = join(work, "fresh", "state");
    const { agent } = await startTestAgent("fresh", stateDir);
    try {
      expect(statSync(stateDir).mode & 0o777).toBe(0o700);
      expect(statSync(join(stateDir, "history.db")).mode & 0o777).toBe(0o600);
    } finally {
      await agent.stop();
    }
  });

  test("a symlinked history.db stops the start with a clear error", async () => {
    const stateDir = join(work, "linked");
    mkdirSync(stateDir);
    writeFileSync(join(work, "elsewhere.db"), "");
    symlinkSync(join(work, "elsewhere.db"), join(stateDir, "history.db"));
    const error = await startTestAgent("linked", stateDir).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SatelliteError);
    expect((error as SatelliteError).code).toBe("STATE_FILE_SYMLINK");
    expect((error as SatelliteError).message).toContain(`history database ${join(stateDir, "history.db")} is a symbolic link (to ${join(work, "elsewhere.db")})`);
    // The failed start let go of the state directory.
    lockStateDir(stateDir).release();
  });

  test("a second agent on the same state directory stops at start naming the first; after the first stops it starts", async () => {
    const stateDir = join(work, "shared");
    const first = await startTestAgent("first", stateDir);
    let second: Awaited<ReturnType<typeof startTestAgent>> | undefined;
    try {
      const error = await startTestAgent("second", stateDir).then(
        (started) => {
          second = started;
          return undefined;
        },
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(SatelliteError);
      expect((error as SatelliteError).code).toBe("STATE_DIR_LOCKED");
      expect((error as SatelliteError).message).toBe(`state directory ${stateDir} is in use by another satellite agent (pid ${process.pid})`);
    } finally {
      await first.agent.stop();
    }
    second = await startTestAgent("second", stateDir);
    await second.agent.stop();
  });
});
