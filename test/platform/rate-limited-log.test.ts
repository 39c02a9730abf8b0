import { describe, expect, test } from "bun:test";
import { createMemoryLogger } from "../../src/platform/logger.ts";
import { createRateLimitedLog } from "../../src/platform/rate-limited-log.ts";

describe("rate-limited log", () => {
  test("one line per key per interval; the next one says how many were left out", () => {
    const logger = createMemoryLogger();
    let now = 0;
    const notes = createRateLimitedLog(logger, () => now, 10_000);
    for (let i = 0; i < 50; i++) notes.log("warn", "conflict", "conflicting address", { node: `n${i}` });
    notes.log("warn", "other", "another reason");
    expect(logger.lines.length).toBe(2);
    now = 9_999;
    notes.log("warn", "conflict", "conflicting address", { node: "late" });
    expect(logger.lines.length).toBe(2);
    now = 10_000;
    notes.log("warn", "conflict", "conflicting address", { node: "next" });
    expect(logger.lines.length).toBe(3);
    expect(logger.lines[2]).toContain("node=next suppressed=50");
    now = 25_000;
    notes.log("warn", "conflict", "conflicting address", { node: "quiet" });
    expect(logger.lines[3]).not.toContain("suppressed");
  });
});
