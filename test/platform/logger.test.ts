import { describe, expect, test } from "bun:test";
import { createLineLogger, createMemoryLogger, type LogFormat } from "../../src/platform/logger.ts";

function logger(format: LogFormat, minLevel: "debug" | "info" | "warn" = "debug") {
  const lines: string[] = [];
  return { log: createLineLogger({ minLevel, format, write: (l) => lines.push(l), nowMs: () => 0, fields: { part: "gossip" } }), lines };
}

describe("line logger", () => {
  test("control characters from the network never reach the line raw", () => {
    const log = createMemoryLogger();
    const hostile = "node\u0000\u001b[2J\u0007\u007f\u009b31m\u2028x";
    log.warn(`refusing ${hostile}`, { node: hostile, tags: { role: hostile }, error: new Error(hostile), plain: "a\u0085b" });
    expect(log.lines.length).toBe(1);
    const line = log.lines[0]!;
    expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
    expect(line).toContain("node=\"node\\u0000\\u001b[2J\\u0007\\u007f\\u009b31m\\u2028x\"");
    expect(line).toContain("plain=\"a\\u0085b\"");
    expect(line).toContain("refusing node\\u0000\\u001b");
  });

  test("ordinary values stay readable", () => {
    const log = createMemoryLogger();
    log.info("joined", { node: "web-1", addr: "10.0.0.1:7946", count: 3 });
    expect(log.lines[0]).toBe("1970-01-01T00:00:00.000Z INFO joined node=web-1 addr=10.0.0.1:7946 count=3");
  });

  test("logfmt: ts, level and msg first, then the fields; structured values quoted", () => {
    const { log, lines } = logger("logfmt");
    log.warn("peer failed", { node: "web 1", count: 3, tags: { role: "node" }, msg: "shadowed", error: new Error("boom") });
    expect(lines).toEqual([`ts=1970-01-01T00:00:00.000Z level=warn msg="peer failed" part=gossip node="web 1" count=3 tags="{\\"role\\":\\"node\\"}" field_msg=shadowed error="boom"`]);
  });

  test("json: one object per line with the message under msg; control characters escaped", () => {
    const { log, lines } = logger("json");
    log.error("refusing \u009b2J", { node: "n1", error: new Error("boom"), big: 10n });
    expect(lines[0]).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
    expect(JSON.parse(lines[0] ?? "")).toEqual({ ts: "1970-01-01T00:00:00.000Z", level: "error", msg: "refusing \u009b2J", part: "gossip", node: "n1", error: "boom", big: "10" });
  });

  test("the level filters in every format", () => {
    for (const format of ["logfmt", "json", "text"] as const) {
      const { log, lines } = logger(format, "warn");
      log.debug("d");
      log.info("i");
      log.warn("w");
      expect(lines.length).toBe(1);
    }
  });
});
