import { describe, expect, test } from "bun:test";
import { join } from "node:path";

const PROBE = join(import.meta.dir, "fixtures", "drop-code-pages-probe.ts");

/**
 * A real process (Bun, whose executable is the runtime itself) drops its code pages, then goes
 * on running code: the pages come back from the page cache when touched.
 */
describe("dropExecutableCodePages", () => {
  test.skipIf(process.platform !== "linux")("drops the executable's resident code and the process runs on", () => {
    const run = Bun.spawnSync([process.execPath, PROBE], { stdout: "pipe", stderr: "pipe", timeout: 30_000 });
    expect(run.stderr.toString()).toBe("");
    expect(run.exitCode).toBe(0);
    const result = JSON.parse(run.stdout.toString()) as {
      outcome: { dropped: boolean; ranges: number; residentBytes: number };
      beforeKiB: number;
      afterKiB: number;
      workAfter: string;
    };
    expect(result.outcome.dropped).toBe(true);
    expect(result.outcome.ranges).toBeGreaterThanOrEqual(1);
    expect(result.outcome.residentBytes).toBeGreaterThan(1024 * 1024);
    // Read right after the drop, before much is touched again.
    expect(result.afterKiB).toBeLessThan(result.beforeKiB / 2);
    expect(result.workAfter).toBe("ok 4950 /a+b/ {\"x\":[1,2]}");
  });
});
