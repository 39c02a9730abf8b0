import { describe, expect, test } from "bun:test";
import { ConfigError } from "../../src/config/config-error.ts";
import { CONFIG_FILE_BYTES_MAX } from "../../src/config/load.ts";
import { USER_TAG_BYTES_MAX, userTagBytes } from "../../src/config/tag-limits.ts";
import { encodeTags } from "../../src/cluster/serf-wire-meta.ts";
import { loadConfigInMemory as load } from "../support/in-memory-config.ts";

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => (p.path === "" ? `${p.source}: ${p.message}` : `${p.source}, key ${p.path}: ${p.message}`));
    throw error;
  }
  throw new Error("expected a ConfigError");
}

const json = (text: string) => ({ files: { "/c.json": text }, flags: { config: "/c.json" } as Record<string, string> });
const yaml = (text: string) => ({ files: { "/c.yaml": text }, flags: { config: "/c.yaml" } as Record<string, string> });

describe("prototype keys in a config are refused, never applied", () => {
  test("__proto__ at the top of a JSON file", () => {
    // Copied into the layered config this would make apiToken a prototype value, past the schema.
    const input = json('{"__proto__": {"apiToken": "0123456789abcdef-from-proto"}, "name": "n"}');
    expect(problemsOf(() => load(input))).toEqual(['config file /c.json, key __proto__: "__proto__" is not allowed as a key (it could change how the config is read); remove it']);
  });

  test.each([
    ["YAML __proto__ in tags", yaml("tags:\n  role: node\n  __proto__: {x: 1}\n"), "key tags.__proto__"],
    ["YAML constructor in a check", yaml("checks:\n  - {name: a, kind: tcp, address: 'h:1', constructor: {}}\n"), "key checks[0].constructor"],
    ["JSON prototype deep inside", json('{"checks": [{"name": "a", "kind": "script", "command": ["/bin/true"], "env": {"prototype": "x"}}]}'), "key checks[0].env.prototype"],
  ])("%s", (_name, input, where) => {
    const [problem] = problemsOf(() => load(input));
    expect(problem).toContain(where);
    expect(problem).toContain("is not allowed as a key");
  });

  test("a __proto__ tag from the command line is refused naming the flag", () => {
    expect(problemsOf(() => load({ flags: { tags: "role:node,__proto__:x" } }))).toEqual([
      'flag --tags, key tags.__proto__: "__proto__" is not allowed as a key (it could change how the config is read); remove it',
    ]);
  });

  test("nesting deeper than any setting is refused before it is walked further", () => {
    const deep = `${"[".repeat(100)}${"]".repeat(100)}`;
    const [problem] = problemsOf(() => load(json(`{"checks": ${deep}}`)));
    expect(problem).toContain("nested deeper than 32 levels");
  });
});

describe("every string and list is bounded", () => {
  test.each([
    ["a 50 MB name is refused", { flags: { name: "n".repeat(254) } }, "flag --name, key name: "],
    ["too many initial peers", { flags: { "initial-cluster": Array.from({ length: 257 }, (_, i) => `10.0.${i >> 8}.${i & 255}:7946`).join(",") } }, "flag --initial-cluster, key initialCluster: "],
    ["a huge address", { flags: { "gossip-addr": `${"a".repeat(400)}:7946` } }, "flag --gossip-addr, key gossipAddr: "],
    ["a huge token", { env: { SATELLITE_API_TOKEN: "t".repeat(2000) } }, "environment variable SATELLITE_API_TOKEN, key apiToken: "],
    ["a huge tag key", { flags: { tags: `role:node,${"k".repeat(129)}:v` } }, "flag --tags, key tags."],
    ["too many checks", json(JSON.stringify({ checks: Array.from({ length: 1025 }, (_, i) => ({ name: `c${i}`, kind: "tcp", address: "h:1" })) })), "config file /c.json, key checks: "],
  ])("%s", (_name, input, prefix) => {
    const problems = problemsOf(() => load(input as Parameters<typeof load>[0]));
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]?.startsWith(prefix)).toBe(true);
  });

  test("the config file is read with a 1 MiB bound", () => {
    let asked = -1;
    load({ flags: { config: "/c.yaml" }, readFile: (_path, bytesMax) => ((asked = bytesMax), "name: n\n") });
    expect(asked).toBe(CONFIG_FILE_BYTES_MAX);
    expect(CONFIG_FILE_BYTES_MAX).toBe(1 << 20);
  });
});

describe("tags must fit serf's 512-byte node meta next to Satellite's own", () => {
  test("one long tag is named in a config error (exit 2), not found when gossip starts", () => {
    const problems = problemsOf(() => load({ flags: { tags: `role:node,description:${"x".repeat(600)}` } }));
    expect(problems).toEqual([expect.stringMatching(/^flag --tags, key tags: tags take \d+ bytes encoded, more than the 448 left .*the largest is tag "description" \(\d+ bytes\): shorten or remove it$/)]);
  });

  test("many small tags over the budget name the largest", () => {
    const tags = Object.fromEntries([["role", "node"], ...Array.from({ length: 30 }, (_, i) => [`k${i}`, i === 7 ? "v".repeat(30) : "v".repeat(12)])]);
    const problems = problemsOf(() => load(yaml(`tags: ${JSON.stringify(tags)}\n`)));
    expect(problems[0]).toContain('the largest is tag "k7"');
  });

  test("the largest set that is accepted still encodes within 512 bytes with Satellite's tags added", () => {
    const tags: Record<string, string> = { role: "node", z: "" };
    while (userTagBytes({ ...tags, z: `${tags.z}x` }) <= USER_TAG_BYTES_MAX) tags.z += "x";
    expect(load({ flags: { tags: `role:node,z:${tags.z}` } }).tags.z).toBe(tags.z);
    expect(() => load({ flags: { tags: `role:node,z:${tags.z}x` } })).toThrow(ConfigError);
    // What gossip will publish: the operator's tags, the API port and the fullest digest.
    const meta = encodeTags({ ...tags, "sat-api": "65535", sat: "d", "sat-fail": "+999" });
    expect(meta.length).toBeLessThanOrEqual(512);
    expect(userTagBytes(tags)).toBe(encodeTags(tags).length);
  });
});
