import { expect, test } from "bun:test";
import { z } from "zod";
import { schemaOnFirstUse } from "../../src/config/schema-on-first-use.ts";

test("the schema is built on the first parse, not before, and once", () => {
  let builds = 0;
  const report = schemaOnFirstUse(() => {
    builds += 1;
    return z.object({ node: z.string().max(8) });
  });
  expect(builds).toBe(0);
  expect(report.parse({ node: "n1" })).toEqual({ node: "n1" });
  expect(report.safeParse({ node: "far-too-long" }).success).toBe(false);
  expect(report.schema()).toBe(report.schema());
  expect(builds).toBe(1);
});
