import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { checkerKinds, findCheckerKind } from "../../src/checkers/all-kinds.ts";
import { configJsonSchema, DURATION_PATTERN } from "../../src/cli/config-json-schema.ts";
import { loadAgentConfig } from "../../src/config/load.ts";
import type { FlagValue } from "../../src/config/sources.ts";
import { cliFixture } from "./cli-fixture.ts";

const root = join(import.meta.dir, "../..");

function load(files: Record<string, string>, flags: Record<string, FlagValue> = { config: "/etc/satellite.yaml" }) {
  return loadAgentConfig({
    flags,
    env: {},
    readFile: (path) => {
      const text = files[path];
      if (text === undefined) throw new Error(`no file ${path}`);
      return text;
    },
    hostname: () => "h",
    cwd: "/",
    findKind: (kind) => findCheckerKind(kind),
    kindNames: checkerKinds.map((k) => k.kind),
  });
}

describe("satellite config validate", () => {
  test("a valid file: exit 0 with what it holds; the shell's SATELLITE_* variables are not the agent's", async () => {
    const c = cliFixture({
      env: { SATELLITE_TAGS: "role:boss" },
      files: { "/etc/satellite.yaml": "tags: {role: node}\nchecks:\n  - {name: api, kind: tcp, address: '10.0.0.10:6443', interval: 5s}\n" },
    });
    expect(await c.run("config", "validate", "/etc/satellite.yaml")).toBe(0);
    expect(c.out).toEqual(["/etc/satellite.yaml: valid (1 check(s), 0 notifier(s))"]);
  });

  test("an invalid file: exit 2 with every problem, its key and what is allowed", async () => {
    const c = cliFixture({ files: { "/etc/satellite.yaml": "tags: {role: node, zone: ''}\nretention: soon\nchecks:\n  - {name: a, kind: tcp, address: '1.2.3.4:1', interval: 5s, intervalMs: 100}\n" } });
    expect(await c.run("config", "validate", "/etc/satellite.yaml")).toBe(2);
    const text = c.err.join("\n");
    expect(text).toContain('config file /etc/satellite.yaml, key tags: tag "zone" has no value; write zone=VALUE');
    expect(text).toContain('config file /etc/satellite.yaml, key retention: "soon" is not a duration');
    expect(text).toContain("config file /etc/satellite.yaml, key checks[0].interval: give interval or intervalMs, not both");
    expect(await c.run("config", "validate", "/missing.yaml")).toBe(2);
    expect(c.err.at(-1)).toContain("config file /missing.yaml: cannot read it");
    expect(await c.run("config", "validate")).toBe(2);
  });

  test("-o json: the verdict and the problems as data, exit 0 or 2", async () => {
    const c = cliFixture({ files: { "/ok.yaml": "tags: {role: node}\n", "/bad.yaml": "tags: {role: boss}\n" } });
    expect(await c.run("config", "validate", "/ok.yaml", "-o", "json")).toBe(0);
    expect(JSON.parse(c.out[0] ?? "")).toEqual({ file: "/ok.yaml", valid: true, checks: 0, notifiers: 0 });
    expect(await c.run("config", "validate", "/bad.yaml", "-o", "json")).toBe(2);
    expect(JSON.parse(c.out[1] ?? "")).toEqual({
      file: "/bad.yaml",
      valid: false,
      problems: [{ source: "config file /bad.yaml", path: "tags", message: "a role tag is required: role=master or role=node (got role=boss)" }],
    });
    expect(c.err).toEqual([]);
  });
});

describe("durations are written the same way everywhere", () => {
  test("a check's interval and timeout as durations or milliseconds", () => {
    const config = load({
      "/etc/satellite.yaml": "checks:\n  - {name: a, kind: tcp, address: '1.2.3.4:1', interval: 1m30s, timeout: 2s}\n  - {name: b, kind: tcp, address: '1.2.3.4:1', intervalMs: 5000, timeoutMs: 250}\n",
    });
    expect(config.checks.map((c) => [c.spec.intervalMs, c.spec.timeoutMs])).toEqual([
      [90_000, 2000],
      [5000, 250],
    ]);
    expect(config.checks[0]?.spec).not.toHaveProperty("interval");
  });

  test("a kind's fooMs option also as foo: DURATION; both, or not a duration, is an error naming the key", () => {
    const config = load({ "/etc/satellite.yaml": "checks:\n  - {name: d, kind: dns, queryTimeout: 1500ms}\n  - {name: k, kind: time-drift, maxDrift: 1s}\n" });
    expect(config.checks.map((c) => c.options)).toMatchObject([{ queryTimeoutMs: 1500 }, { maxDriftMs: 1000 }]);
    expect(() => load({ "/etc/satellite.yaml": "checks:\n  - {name: d, kind: dns, queryTimeout: 1s, queryTimeoutMs: 5}\n  - {name: e, kind: dns, queryTimeout: soon}\n" })).toThrow(
      /key checks\[0\]\.queryTimeout: give queryTimeout or queryTimeoutMs, not both[\s\S]*key checks\[1\]\.queryTimeout: expected a duration such as 500ms, 2s or 1m \(or queryTimeoutMs in milliseconds\), got "soon"/,
    );
  });

  test("an interval out of range names its bounds", () => {
    expect(() => load({ "/etc/satellite.yaml": "checks:\n  - {name: a, kind: tcp, address: '1.2.3.4:1', interval: 10ms}\n" })).toThrow('key checks[0].interval: "10ms" is out of range: from 100ms to 1d');
  });
});

describe("one tag syntax", () => {
  test("--tags takes key=value and key:value; a tag without a value exits 2 naming it", async () => {
    expect(load({}, { tags: "role=node,zone:eu-1,addr=10.0.0.1:80" }).tags).toEqual({ role: "node", zone: "eu-1", addr: "10.0.0.1:80" });
    const c = cliFixture();
    expect(await c.run("agent", "--tags", "role=node,zone")).toBe(2);
    expect(c.err.join("\n")).toContain('flag --tags, key tags: tag "zone" has no value; write zone=VALUE');
  });
});

describe("satellite config schema", () => {
  test("docs/config.schema.json is what `satellite config schema` prints", async () => {
    const c = cliFixture();
    expect(await c.run("config", "schema")).toBe(0);
    const committed = readFileSync(join(root, "docs/config.schema.json"), "utf8");
    // The failure names the fix: regenerate the file and commit it with the schema change.
    const fix = "bun src/main.ts config schema > docs/config.schema.json";
    expect({ fix, inSync: `${c.out.join("\n")}\n` === committed }).toEqual({ fix, inSync: true });
  });

  test("covers every key, every check kind with its options, durations and descriptions", () => {
    const schema = configJsonSchema(checkerKinds) as any;
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    for (const key of ["rpcAddr", "tags", "checks", "notifiers", "logLevel", "logFormat", "retention"]) expect(Object.keys(schema.properties)).toContain(key);
    expect(schema.properties.logFormat.enum).toEqual(["logfmt", "json"]);
    expect(schema.properties.retention.pattern).toBe(DURATION_PATTERN);
    expect(schema.properties.tags.description).toContain("key=value");
    const items = schema.properties.checks.items;
    expect(items.properties.kind.enum).toEqual(checkerKinds.map((k) => k.kind));
    expect(items.properties.interval.pattern).toBe(DURATION_PATTERN);
    const dns = items.allOf.find((entry: any) => entry.if.properties.kind.const === "dns");
    expect(Object.keys(dns.then.properties)).toEqual(expect.arrayContaining(["name", "interval", "intervalMs", "queryTimeoutMs", "queryTimeout", "nameservers"]));
    expect(dns.then.additionalProperties).toBe(false);
    const tcp = items.allOf.find((entry: any) => entry.if.properties.kind.const === "tcp");
    expect(tcp.then.required).toEqual(["address"]);
    for (const text of ["500ms", "1h30m", "7d", "250"]) expect(new RegExp(DURATION_PATTERN).test(text)).toBe(true);
    for (const text of ["soon", "5 s", "1h30"]) expect(new RegExp(DURATION_PATTERN).test(text)).toBe(false);
  });
});
