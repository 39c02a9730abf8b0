import { describe, expect, test } from "bun:test";
import { ConfigError } from "../../src/config/config-error.ts";
import { parsePeerAddress } from "../../src/config/peer-address.ts";
import { loadConfigInMemory } from "../support/in-memory-config.ts";

describe("--initial-cluster entries: one grammar", () => {
  test.each([
    ["10.0.0.1", { host: "10.0.0.1", port: 7946 }],
    ["10.0.0.1:7000", { host: "10.0.0.1", port: 7000 }],
    ["node-1.example.com", { host: "node-1.example.com", port: 7946 }],
    ["node-1.example.com:7000", { host: "node-1.example.com", port: 7000 }],
    ["[fd00::1]:7000", { host: "fd00::1", port: 7000 }],
    ["[fd00::1]", { host: "fd00::1", port: 7946 }],
    ["fd00::1", { host: "fd00::1", port: 7946 }],
    ["::1", { host: "::1", port: 7946 }],
    // The original agent's name:addr pairs.
    ["node1:10.0.0.1", { name: "node1", host: "10.0.0.1", port: 7946 }],
    ["node1:10.0.0.1:7000", { name: "node1", host: "10.0.0.1", port: 7000 }],
    ["node1:node-1.example.com", { name: "node1", host: "node-1.example.com", port: 7946 }],
    ["master.1:[fd00::1]:7000", { name: "master.1", host: "fd00::1", port: 7000 }],
    ["node1:[fd00::1]", { name: "node1", host: "fd00::1", port: 7946 }],
    // A host that is only digits before a port is still host:port; after the last colon a number is a port.
    ["node1:7000", { host: "node1", port: 7000 }],
    ["  10.0.0.1:7000  ", { host: "10.0.0.1", port: 7000 }],
  ] as const)("%p -> %p", (text, expected) => {
    expect(parsePeerAddress(text, 7946)).toEqual(expected);
  });

  const forms = "expected host, host:port, [ipv6]:port, name:host or name:host:port";
  test.each([
    ["", `an empty entry; ${forms}`],
    ["10.0.0.1:0", `"10.0.0.1:0" has a bad port "0" (1-65535); ${forms}`],
    ["10.0.0.1:65536", `"10.0.0.1:65536" has a bad port "65536" (1-65535); ${forms}`],
    ["node1:10.0.0.1:x", `"node1:10.0.0.1:x" has "x" after the last colon, which is not a port; ${forms}`],
    ["fd00::1:7000:x", `"fd00::1:7000:x" has too many colons (an IPv6 address goes in brackets: [fe80::1]:7946); ${forms}`],
    ["[10.0.0.1]:7000", `"[10.0.0.1]:7000" has brackets around "10.0.0.1", which is not an IPv6 address; ${forms}`],
    ["[fd00::1:7000", `"[fd00::1:7000" has brackets that do not enclose the host (an IPv6 address: [fe80::1]:7946); ${forms}`],
    ["[fd00::1]:", `"[fd00::1]:" has a bad port "" (1-65535); ${forms}`],
    ["node1:", `"node1:" has no host; ${forms}`],
    [":7000", `":7000" has no host; ${forms}`],
    [":10.0.0.1", `":10.0.0.1" has an empty node name before the colon; ${forms}`],
    ["node1=10.0.0.1", `"node1=10.0.0.1" has "node1=10.0.0.1" for a host, which is neither an IP address nor a DNS name; ${forms}`],
    ["10.0.0", `"10.0.0" has "10.0.0" for a host, which is neither an IP address nor a DNS name; ${forms}`],
    ["node 1:10.0.0.1", `"node 1:10.0.0.1" has spaces or control characters; ${forms}`],
  ] as const)("%p is refused: %p", (text, message) => {
    expect(parsePeerAddress(text, 7946)).toBe(message);
  });
});

describe("--initial-cluster in the configuration", () => {
  const load = (flags: Record<string, string>) => loadConfigInMemory({ flags, cwd: "/srv" });

  test("mixed forms are accepted as given", () => {
    const config = load({ "initial-cluster": "node1:10.0.0.1,node2:10.0.0.2:7000,10.0.0.3,[fd00::4]:7946" });
    expect(config.initialCluster).toEqual(["node1:10.0.0.1", "node2:10.0.0.2:7000", "10.0.0.3", "[fd00::4]:7946"]);
  });

  test("a bad entry is a configuration error naming the flag, the entry and what is allowed", () => {
    let problems: string[] = [];
    try {
      load({ "initial-cluster": "node1:10.0.0.1,node2:10.0.0.2:99999" });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems = error.problems.map((p) => `${p.source}, key ${p.path}: ${p.message}`);
    }
    expect(problems).toEqual([`flag --initial-cluster, key initialCluster[1]: "node2:10.0.0.2:99999" has a bad port "99999" (1-65535); expected host, host:port, [ipv6]:port, name:host or name:host:port`]);
  });
});
