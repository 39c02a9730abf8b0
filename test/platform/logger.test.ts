import { describe, expect, test } from "bun:test";
import { createMemoryLogger } from "../../src/platform/logger.ts";

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
});
