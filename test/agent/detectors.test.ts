import { describe, expect, test } from "bun:test";
import { createDetectors } from "../../src/agent/detectors.ts";
import { checkerKinds } from "../../src/checkers/all-kinds.ts";
import type { DetectorConfig } from "../../src/config/detectors-schema.ts";
import { loadAgentConfig } from "../../src/config/load.ts";
import type { AgentEvent } from "../../src/events/agent-event.ts";
import { createEventStream } from "../../src/events/event-stream.ts";
import { createRecordedHostFacts } from "../../src/platform/host-facts.ts";
import { createMemoryLogger } from "../../src/platform/logger.ts";
import { ManualClock } from "../../src/platform/manual-clock.ts";

function setup(detectors: DetectorConfig[], files: Record<string, string>, staticTags: Record<string, string> = { role: "node" }) {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const logger = createMemoryLogger();
  const events = createEventStream({ clock, logger, epoch: "t" });
  const seen: AgentEvent[] = [];
  events.subscribe("test", (e) => seen.push(e));
  const gossiped: Record<string, string>[] = [];
  const d = createDetectors({ nodeName: "n1", detectors, staticTags, facts: createRecordedHostFacts(files), clock, logger, events, onChange: (tags) => gossiped.push(tags) });
  return { d, clock, logger, seen, gossiped, files };
}

const detector = (name: string, applyIf: string, tags: Record<string, string>, interval = "10s"): DetectorConfig => ({ name, applyIf, tags, interval });

describe("detectors", () => {
  test("the first applying detector wins a key; changes on the interval publish TagsChanged and gossip the tags once", async () => {
    const files: Record<string, string> = { "/etc/os-release": "ID=debian\n" };
    const { d, clock, seen, gossiped } = setup(
      [detector("debian", 'osRelease("ID") == "debian"', { os: "debian", family: "deb" }), detector("other", "true", { os: "other" }), detector("flag", 'fileExists("/run/flag")', { flag: "on" })],
      files,
    );
    await d.runAll();
    expect(d.tags()).toEqual({ os: "debian", family: "deb" });
    expect(seen.map((e) => e.type)).toEqual(["TagsChanged"]);
    d.start();
    files["/run/flag"] = "";
    clock.advance(10_000);
    await Bun.sleep(0);
    await Bun.sleep(0);
    expect(d.tags()).toEqual({ os: "debian", family: "deb", flag: "on" });
    expect(seen.at(-1)).toMatchObject({ type: "TagsChanged", node: "n1", set: { flag: "on" }, removed: [] });
    // Nothing changes: no event, no gossip.
    clock.advance(10_000);
    await Bun.sleep(0);
    await Bun.sleep(0);
    expect(seen.length).toBe(2);
    expect(gossiped).toEqual([{ os: "debian", family: "deb" }, { os: "debian", family: "deb", flag: "on" }]);
    d.stop();
  });

  test("tags that would not fit serf's node meta are dropped, last detector first, with the reason", async () => {
    const big = "x".repeat(200);
    const { d, logger } = setup([detector("a", "true", { a: big }), detector("b", "true", { b: big }), detector("c", "true", { c: big })], {});
    await d.runAll();
    expect(Object.keys(d.tags())).toEqual(["a", "b"]);
    const c = d.list().find((x) => x.name === "c");
    expect(c?.applies).toBe(true);
    expect(c?.error).toStartWith('tags not gossiped: with them, tags take 624 bytes encoded, more than the 448 left for them');
    expect(logger.lines.some((l) => l.includes("detected tags dropped") && l.includes("detector=c"))).toBe(true);
  });

  test("an evaluation error keeps the last result and shows the error", async () => {
    const { d } = setup([detector("bad", 'fileExists("relative/path")', { x: "1" })], {});
    await d.runAll();
    expect(d.list()[0]).toMatchObject({ name: "bad", error: 'applyIf could not be evaluated: fileExists() needs an absolute path, not "relative/path"' });
    expect(d.list()[0]?.applies).toBeUndefined();
    expect(d.tags()).toEqual({});
  });

  test("a detected key that is a static tag is refused at start", () => {
    expect(() => setup([detector("z", "true", { zone: "x" })], {}, { role: "node", zone: "eu-1" })).toThrow('configuration, key detectors[0].tags.zone: tag "zone" is also a static tag (--tags); a detector may not replace it: remove one of them');
  });
});

function load(file: string) {
  return loadAgentConfig({ flags: { config: "/etc/satellite.yaml" }, env: {}, readFile: () => file, hostname: () => "h", cwd: "/", findKind: (name) => checkerKinds.find((k) => k.kind === name), kindNames: checkerKinds.map((k) => k.kind) });
}

describe("detectors and applyOn in the config file", () => {
  test("a valid file loads with the interval default", () => {
    const config = load(`detectors:\n  - name: redis\n    applyIf: 'processRunning("redis-server") or portListening(6379)'\n    tags: { redis: "yes" }\n`);
    expect(config.detectors).toEqual([{ name: "redis", applyIf: 'processRunning("redis-server") or portListening(6379)', tags: { redis: "yes" }, interval: "30s" }]);
  });

  test.each([
    [`detectors:\n  - { name: r, applyIf: 'tag(role)', tags: { a: b } }\n`, 'detectors[0].applyIf: invalid condition: unknown name "role" at position 5'],
    [`detectors:\n  - { name: r, applyIf: 'true', tags: { role: master } }\n`, "detectors[0].tags.role: detectors cannot set the role tag"],
    [`detectors:\n  - { name: r, applyIf: 'true', tags: { sat: x } }\n`, `detectors[0].tags.sat: tag "sat": keys starting with "sat" are Satellite's own`],
    [`detectors:\n  - { name: r, applyIf: 'true', tags: {} }\n`, "detectors[0].tags: a detector sets at least one tag"],
    [`detectors:\n  - { name: r, applyIf: 'true', tags: { a: b }, interval: 10ms }\n`, 'detectors[0].interval: "10ms" is out of range: from 1s to 1d'],
    [`detectors:\n  - { name: r, applyIf: 'true', tags: { a: b } }\n  - { name: r, applyIf: 'true', tags: { c: d } }\n`, 'detectors[1].name: duplicate detector name "r" (also detectors[0]); names must be unique'],
    [`checks:\n  - { name: t, kind: tcp, addr: "127.0.0.1:1", applyOn: 'tag("role") = "x"' }\n`, 'checks[0].applyOn: invalid condition: unexpected character "=" at position 13'],
    [`notifiers:\n  - { name: w, kind: webhook, url: "http://h/x", applyOn: 'role' }\n`, 'notifiers[0].applyOn: invalid condition: unknown name "role" at position 1'],
  ])("%s -> %s", (file, message) => {
    expect(() => load(file)).toThrow(message);
  });
});
