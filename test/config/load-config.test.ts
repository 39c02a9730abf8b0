import { describe, expect, test } from "bun:test";
import { configProblems as problemsOf, loadConfigInMemory as load } from "../support/in-memory-config.ts";

describe("loadAgentConfig defaults", () => {
  test("a bare start gets the embedded defaults", () => {
    const config = load();
    expect(config.name).toBe("host-1");
    expect(config.rpcAddr).toEqual(["127.0.0.1:7575"]);
    expect(config.tags).toEqual({ role: "master" });
    // The relative default is resolved once against the working directory.
    expect(config.stateDir).toBe("/srv/satellite/.satellite");
    expect(config.retentionMs).toBe(7 * 86_400_000);
    expect(config.kubeletAddr).toBe("http://127.0.0.1:10248");
    expect(config.dockerAddr).toBe("/var/run/docker.sock");
    expect(config.etcdServers).toEqual(["http://127.0.0.1:2379"]);
    expect(config.gossipAddr).toBe("0.0.0.0:7946");
    expect(config.defaultChecks).toBe(true);
    expect(config.checks).toEqual([]);
  });
});

describe("precedence: flags > env > file > defaults", () => {
  const files = { "/etc/sat.yaml": "name: from-file\nstateDir: /var/file\nretention: 1d\ntags: {role: node, zone: a}\n" };
  test("file over defaults", () => {
    const config = load({ files, flags: { config: "/etc/sat.yaml" } });
    expect(config.name).toBe("from-file");
    expect(config.tags).toEqual({ role: "node", zone: "a" });
    expect(config.retentionMs).toBe(86_400_000);
  });
  test("env over file", () => {
    const config = load({ files, flags: { config: "/etc/sat.yaml" }, env: { SATELLITE_NAME: "from-env", SATELLITE_RPC_ADDR: "127.0.0.1:9000,10.0.0.1" } });
    expect(config.name).toBe("from-env");
    expect(config.stateDir).toBe("/var/file");
    expect(config.rpcAddr).toEqual(["127.0.0.1:9000", "10.0.0.1"]);
  });
  test("flags over env", () => {
    const config = load({ files, flags: { config: "/etc/sat.yaml", name: "from-flag", tags: "role:master", debug: true }, env: { SATELLITE_NAME: "from-env", SATELLITE_DEBUG: "false" } });
    expect(config.name).toBe("from-flag");
    expect(config.tags).toEqual({ role: "master" });
    expect(config.debug).toBe(true);
  });
  test("SATELLITE_CONFIG names the file", () => {
    expect(load({ files, env: { SATELLITE_CONFIG: "/etc/sat.yaml" } }).name).toBe("from-file");
  });
  test("a JSON config file works too", () => {
    expect(load({ files: { "/c.json": '{"name":"json-node"}' }, flags: { config: "/c.json" } }).name).toBe("json-node");
  });
});

describe("checks in the config file", () => {
  test("valid checks are validated against their kind and keep their options", () => {
    const config = load({
      files: { "/c.yaml": "defaultChecks: false\nchecks:\n  - {name: api, kind: tcp, address: '127.0.0.1:6443', intervalMs: 5000, severity: warning}\n" },
      flags: { config: "/c.yaml" },
    });
    expect(config.defaultChecks).toBe(false);
    expect(config.checks.map((c) => [c.spec.name, c.kind.kind, c.spec.address, c.spec.severity])).toEqual([["api", "tcp", "127.0.0.1:6443", "warning"]]);
  });
});

describe("every config error names the source, the key and what is allowed", () => {
  const file = (yaml: string) => ({ files: { "/c.yaml": yaml }, flags: { config: "/c.yaml" } as Record<string, string> });
  const cases: { name: string; input: Parameters<typeof load>[0]; problems: string[] }[] = [
    { name: "missing config file", input: { flags: { config: "/nope.yaml" } }, problems: ["config file /nope.yaml: cannot read it: ENOENT: no such file or directory, open '/nope.yaml'"] },
    { name: "broken YAML", input: file("checks: [\n"), problems: [expect.stringMatching(/^config file \/c.yaml: not valid YAML: /) as unknown as string] },
    { name: "a list at the top", input: file("- a\n- b\n"), problems: ["config file /c.yaml: expected a mapping of keys (rpcAddr, tags, checks, ...) at the top level"] },
    { name: "unknown top-level key", input: file("rpc_addr: x\n"), problems: ['config file /c.yaml: unknown key(s) "rpc_addr"; see docs/configuration.md for the keys'] },
    { name: "role missing", input: { flags: { tags: "zone:a" } }, problems: ["flag --tags, key tags: a role tag is required: role=master or role=node (got none)"] },
    { name: "bad role from env", input: { env: { SATELLITE_TAGS: "role:boss" } }, problems: ["environment variable SATELLITE_TAGS, key tags: a role tag is required: role=master or role=node (got role=boss)"] },
    { name: "bad rpc port", input: { flags: { "rpc-addr": "127.0.0.1:99999" } }, problems: ['flag --rpc-addr, key rpcAddr[0]: "127.0.0.1:99999" has a bad port; expected 0-65535'] },
    { name: "bad retention", input: { flags: { retention: "forever" } }, problems: ['flag --retention, key retention: "forever" is not a duration; use e.g. 500ms, 30s, 5m, 36h, 7d'] },
    { name: "bad profile", input: { flags: { profile: "fast" } }, problems: [expect.stringMatching(/^flag --profile, key profile: .*"lan".*"wan".*"local"/) as unknown as string] },
    { name: "bad encryption key", input: { env: { SATELLITE_ENCRYPT: "c2hvcnQ=" } }, problems: ["environment variable SATELLITE_ENCRYPT, key encrypt: expected base64 of a 16, 24 or 32-byte key (e.g. `openssl rand -base64 32`)"] },
    { name: "bad debug value", input: { env: { SATELLITE_DEBUG: "maybe" } }, problems: [expect.stringMatching(/^environment variable SATELLITE_DEBUG, key debug: .*boolean/) as unknown as string] },
    { name: "bad etcd url", input: { flags: { "etcd-servers": "not a url" } }, problems: [expect.stringMatching(/^flag --etcd-servers, key etcdServers\[0\]: .*URL/i) as unknown as string] },
    { name: "no etcd servers", input: { flags: { "etcd-servers": "," } }, problems: ["flag --etcd-servers, key etcdServers: give at least one etcd client URL, e.g. https://127.0.0.1:2379"] },
    { name: "empty docker address", input: file('dockerAddr: ""\n'), problems: ["config file /c.yaml, key dockerAddr: expected a socket path, unix:///path, tcp://host:port or http://host:port"] },
    { name: "unknown check kind", input: file("checks:\n  - {name: a, kind: ping}\n"), problems: [expect.stringMatching(/^config file \/c.yaml, key checks\[0\].kind: unknown kind "ping"; allowed: .*tcp/) as unknown as string] },
    { name: "missing option", input: file("checks:\n  - {name: a, kind: tcp}\n"), problems: [expect.stringMatching(/^config file \/c.yaml, key checks\[0\].address: required by kind tcp/) as unknown as string] },
    // Present but of the wrong type: not "required".
    { name: "option of the wrong type", input: file("checks:\n  - {name: a, kind: tcp, address: 5}\n"), problems: ["config file /c.yaml, key checks[0].address: Invalid input: expected string, received number"] },
    { name: "threshold of the wrong type", input: file("checks:\n  - {name: a, kind: evaluated, criticalIf: '1 > 0', thresholds: {t: x}}\n"), problems: ["config file /c.yaml, key checks[0].thresholds.t: Invalid input: expected number, received string"] },
    { name: "bad option value", input: file("checks:\n  - {name: a, kind: tcp, address: nowhere}\n"), problems: [expect.stringMatching(/^config file \/c.yaml, key checks\[0\].address: .*host:port/) as unknown as string] },
    { name: "unknown option", input: file("checks:\n  - {name: a, kind: tcp, address: 'h:1', colour: red}\n"), problems: ['config file /c.yaml, key checks[0]: unknown option(s) "colour" for kind tcp'] },
    { name: "bad common field", input: file("checks:\n  - {name: a, kind: tcp, address: 'h:1', intervalMs: 5}\n"), problems: [expect.stringMatching(/^config file \/c.yaml, key checks\[0\].intervalMs: .*100/) as unknown as string] },
    { name: "bad severity", input: file("checks:\n  - {name: a, kind: tcp, address: 'h:1', severity: fatal}\n"), problems: [expect.stringMatching(/^config file \/c.yaml, key checks\[0\].severity: .*"critical".*"warning"/) as unknown as string] },
    { name: "duplicate names", input: file("checks:\n  - {name: a, kind: tcp, address: 'h:1'}\n  - {name: a, kind: tcp, address: 'h:2'}\n"), problems: ['config file /c.yaml, key checks[1].name: duplicate check name "a" (also checks[0]); names must be unique'] },
    { name: "several problems at once", input: { flags: { retention: "x", tags: "a:b" } }, problems: [expect.stringContaining("key tags") as unknown as string, expect.stringContaining("key retention") as unknown as string] },
  ];
  for (const c of cases) {
    test(c.name, () => {
      expect(problemsOf(() => load(c.input))).toEqual(c.problems);
    });
  }
});
