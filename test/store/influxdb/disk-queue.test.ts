import { afterAll, expect, test } from "bun:test";
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDiskQueue } from "../../../src/store/influxdb/disk-queue.ts";

const root = mkdtempSync(join(tmpdir(), "satellite-queue-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => join(root, `q${n++}.lp`);

test("append, peek, commit in order; empty after everything is sent", () => {
  const q = openDiskQueue(fresh(), 1 << 20);
  expect(q.append(["a 1", "b 2", "c 3"])).toBe(3);
  expect(q.pendingLines()).toBe(3);
  const first = q.peek(8);
  expect(first.lines).toEqual(["a 1", "b 2"]);
  q.commit(first.endOffset);
  expect(q.pendingLines()).toBe(1);
  const rest = q.peek(1000);
  expect(rest.lines).toEqual(["c 3"]);
  q.commit(rest.endOffset);
  expect(q.pendingBytes()).toBe(0);
  expect(statSync(q.path).size).toBe(0);
  expect(q.peek(100).lines).toEqual([]);
});

test("the bound counts unsent bytes; what does not fit is refused", () => {
  const q = openDiskQueue(fresh(), 10);
  expect(q.append(["aaaa", "bbbb", "cccc"])).toBe(2);
  expect(q.append(["d"])).toBe(0);
  q.commit(q.peek(5).endOffset);
  expect(q.append(["dddd"])).toBe(1);
  expect(q.peek(100).lines).toEqual(["bbbb", "dddd"]);
});

test("a line longer than the peek size still comes out whole", () => {
  const q = openDiskQueue(fresh(), 1 << 20);
  q.append(["x".repeat(100), "y"]);
  expect(q.peek(10).lines).toEqual(["x".repeat(100)]);
});

test("reopening keeps unsent lines and the offset; a torn last line is cut off", () => {
  const path = fresh();
  const q = openDiskQueue(path, 1 << 20);
  q.append(["one", "two", "three"]);
  q.commit(q.peek(4).endOffset);
  appendFileSync(path, "partial-without-newline");
  const again = openDiskQueue(path, 1 << 20);
  expect(again.pendingLines()).toBe(2);
  expect(again.peek(1000).lines).toEqual(["two", "three"]);
  expect(readFileSync(path, "utf8").endsWith("three\n")).toBe(true);
});

test("the sent part is compacted away once it dominates the file", () => {
  const path = fresh();
  const q = openDiskQueue(path, 64 << 20);
  const line = "z".repeat(1023);
  q.append(Array.from({ length: 3000 }, () => line));
  const sent = q.peek(2 << 20);
  q.commit(sent.endOffset);
  expect(q.pendingLines()).toBe(3000 - sent.lines.length);
  expect(statSync(path).size).toBe(q.pendingBytes());
  expect(openDiskQueue(path, 64 << 20).pendingLines()).toBe(q.pendingLines());
});
