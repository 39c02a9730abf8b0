import { describe, expect, test } from "bun:test";
import { omitEmpty } from "../../src/cluster/status-json.ts";

describe("omitEmpty (the original's omitempty)", () => {
  test.each([
    ["empty strings, undefined, empty arrays and objects leave objects", { a: "", b: undefined, c: [], d: {}, e: "x" }, { e: "x" }],
    ["an object emptied by cleaning goes too, at any depth", { a: { b: { c: "" } }, d: [{ e: { f: [] } }] }, { d: [{}] }],
    ["arrays keep their places: empties stay, undefined becomes null in JSON", { a: ["", [], {}, undefined, null] }, { a: ["", [], {}, null, null] }],
    ["zero, false and null are values", { zero: 0, no: false, none: null }, { zero: 0, no: false, none: null }],
    ["a probe with text, and one without", { probes: [{ checker: "disk", status: "running", detail: "" }, { checker: "dns", status: "failed", error: "timeout", code: undefined }] }, { probes: [{ checker: "disk", status: "running" }, { checker: "dns", status: "failed", error: "timeout" }] }],
  ])("%s", (_name, input, expected) => {
    expect(JSON.parse(JSON.stringify(omitEmpty(input)))).toEqual(expected);
  });

  test("the input is not changed", () => {
    const input = { a: "", b: { c: [] as string[] } };
    omitEmpty(input);
    expect(input).toEqual({ a: "", b: { c: [] } });
  });
});
