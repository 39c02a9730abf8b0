import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { EVENT_KIND_OF, EVENT_TYPES } from "../../src/events/agent-event.ts";

const doc = readFileSync(join(import.meta.dir, "../../docs/events.md"), "utf8");

test("docs/events.md has a row for every event type, with its kind", () => {
  const rows = new Map<string, string>();
  for (const match of doc.matchAll(/^\| `([A-Za-z]+)` \| ([a-z]+) \|/gm)) rows.set(match[1] ?? "", match[2] ?? "");
  for (const type of EVENT_TYPES) expect(`${type}: ${rows.get(type)}`).toBe(`${type}: ${EVENT_KIND_OF[type]}`);
  for (const type of rows.keys()) expect(EVENT_TYPES as string[]).toContain(type);
});
