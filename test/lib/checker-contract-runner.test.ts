import { expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { runCheckerKindContract } from "satellite/testing";
import { fileFreshnessKind } from "../../examples/custom-agent/file-freshness.ts";

// Someone else's checker, through the package's own testing entry: the example's kind passes.
runCheckerKindContract({ kind: fileFreshnessKind, unreachable: { path: "/nonexistent/satellite-stamp" } });

test("the runner fails a kind that rejects instead of reporting a failed result", () => {
  const child = spawnSync(process.execPath, ["test", "./test/lib/fixtures/broken-checker.contract.ts"], { encoding: "utf8", timeout: 60_000 });
  const output = `${child.stdout}${child.stderr}`;
  expect(child.status).not.toBe(0);
  expect(output).toContain("(fail) contract: throws-on-failure > unreachable target: resolves with valid failed-or-skipped outcomes, never throws");
  expect(output).toContain("(pass) contract: throws-on-failure > has a description and a strict options schema");
}, 70_000);
