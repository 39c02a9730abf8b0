import { describe, expect, test } from "bun:test";
import { parse as parseYaml } from "yaml";
import type { ClusterStatusJson } from "../../src/cluster/status-json.ts";
import { ManualClock } from "../../src/platform/manual-clock.ts";
import { makeApp } from "../api/app-fixture.ts";
import { cliFixture } from "./cli-fixture.ts";

const ESC = "\u001b[";

/** A degraded three-node cluster: n2 fails docker (critical) and dns (warning), n3 has not reported. */
function degradedCluster(): ClusterStatusJson {
  const member = (name: string, status: "alive" | "failed") => ({ name, node_name: name, addr: `10.0.0.${name.slice(1)}:7946`, status, tags: { role: "node" } });
  return {
    status: "degraded",
    summary: "n2 is degraded",
    timestamp: "2026-11-22T12:00:00.000000000Z",
    nodes: [
      { name: "n1", status: "running", member_status: member("n1", "alive"), probes: [{ checker: "disk-space", status: "running" }] },
      {
        name: "n2",
        status: "degraded",
        member_status: member("n2", "alive"),
        probes: [
          { checker: "docker", status: "failed", error: "connection refused by /var/run/docker.sock" },
          { checker: "dns", status: "failed", severity: "warning", error: "slow\u001b[2J answer" },
          { checker: "disk-space", status: "running" },
        ],
      },
      { name: "n3", member_status: member("n3", "failed") },
    ],
  };
}

function fixtureWith(status: ClusterStatusJson) {
  const fixture = makeApp();
  fixture.state.cluster = status;
  return fixture;
}

describe("satellite status output", () => {
  test("on a terminal: a summary of nodes and failing probes with why, in colour", async () => {
    const c = cliFixture({ app: fixtureWith(degradedCluster()).app, isTerminal: true });
    expect(await c.run("status")).toBe(1);
    const text = c.out.join("\n");
    expect(text).toContain(ESC);
    const plain = text.replace(/\u001b\[[0-9;]*m/g, "");
    expect(plain).toBe(
      [
        "Cluster degraded: n2 is degraded",
        "",
        "NODE  HEALTH    MEMBER  PROBES",
        "n1    running   alive   1 ok",
        "n2    degraded  alive   2 of 3 failing",
        "n3    unknown   failed  none",
        "",
        "Failing probes:",
        "NODE  PROBE   STATUS  SEVERITY  ERROR",
        "n2    docker  failed  critical  connection refused by /var/run/docker.sock",
        "n2    dns     failed  warning   slow\\u001b[2J answer",
      ].join("\n"),
    );
  });

  test("NO_COLOR turns colour off; piped output is the status JSON; -o json on a terminal too", async () => {
    const app = fixtureWith(degradedCluster()).app;
    const noColor = cliFixture({ app, isTerminal: true, env: { NO_COLOR: "1" } });
    expect(await noColor.run("status")).toBe(1);
    expect(noColor.out.join("\n")).not.toContain(ESC);
    expect(noColor.out.join("\n")).toStartWith("Cluster degraded");

    const piped = cliFixture({ app });
    expect(await piped.run("status")).toBe(1);
    expect(JSON.parse(piped.out.join(""))).toMatchObject({ status: "degraded", summary: "n2 is degraded" });

    const forced = cliFixture({ app, isTerminal: true });
    for (const args of [["-o", "json"], ["--json"], ["--output=json"]]) expect(await forced.run("status", ...args)).toBe(1);
    for (const line of forced.out) expect(JSON.parse(line).status).toBe("degraded");
  });

  test("-o yaml, -o wide, --pretty; a bad format or two that disagree exit 2 naming them", async () => {
    const app = fixtureWith(degradedCluster()).app;
    const c = cliFixture({ app });
    expect(await c.run("status", "-o", "yaml")).toBe(1);
    expect(parseYaml(c.out[0] ?? "")).toMatchObject({ status: "degraded", nodes: [{ name: "n1" }, { name: "n2" }, { name: "n3" }] });
    expect(await c.run("status", "-o", "wide")).toBe(1);
    expect(c.out[1]).toContain("NODE  HEALTH    MEMBER  ADDRESS        PROBES          REPORTED  TAGS");
    expect(c.out[1]).toContain("n1    disk-space  running  critical");
    expect(await c.run("status", "--pretty")).toBe(1);
    expect(c.out[2]).toStartWith('{\n  "status": "degraded"');
    expect(await c.run("status", "-o", "xml")).toBe(2);
    expect(await c.run("status", "--json", "-o", "yaml")).toBe(2);
    expect(await c.run("status", "--pretty", "-o", "table")).toBe(2);
    expect(c.err).toEqual([
      'satellite status: -o "xml" is not an output format; use one of table, wide, json, yaml',
      "satellite status: --json means -o json: give one of them, not --json with -o yaml",
      "satellite status: --pretty means -o json: give one of them, not --pretty with -o table",
    ]);
  });

  test("status --local on a terminal: the node and its failing probes", async () => {
    const fixture = makeApp();
    fixture.state.local = { name: "n1", status: "degraded", probes: [{ checker: "etcd", status: "failed", error: "connection refused by 10.0.0.5:2379" }] };
    const c = cliFixture({ app: fixture.app, isTerminal: true, env: { NO_COLOR: "1" } });
    expect(await c.run("status", "--local")).toBe(1);
    expect(c.out[0]).toBe("Node n1 degraded: 1 of 1 failing\n\nFailing probes:\nNODE  PROBE  STATUS  SEVERITY  ERROR\nn1    etcd   failed  critical  connection refused by 10.0.0.5:2379");
  });
});

describe("members, checks, history, join output", () => {
  test("members shows each node's health beside its gossip state, in every format", async () => {
    const fixture = fixtureWith({ ...degradedCluster(), nodes: [{ name: "n1", status: "degraded", probes: [{ checker: "docker", status: "failed" }] }] });
    const c = cliFixture({ app: fixture.app });
    expect(await c.run("members")).toBe(0);
    expect(c.out[0]).toBe("NAME  ADDRESS        STATUS  HEALTH    TAGS\nn1    10.0.0.1:7946  alive   degraded  role=master");
    expect(await c.run("members", "-o", "json")).toBe(0);
    expect(JSON.parse(c.out[1] ?? "")).toEqual({ members: [{ name: "n1", addr: "10.0.0.1:7946", status: "alive", tags: { role: "master" }, health: "degraded" }] });
    expect(await c.run("members", "-o", "wide")).toBe(0);
    expect(c.out[2]).toBe("NAME  ADDRESS        STATUS  HEALTH    PROBES          REPORTED  TAGS\nn1    10.0.0.1:7946  alive   degraded  1 of 1 failing  -         role=master");
  });

  test("one tag syntax: --tag key=value and key:value filter alike; a tag without a value exits 2 naming it", async () => {
    const c = cliFixture({ app: makeApp().app });
    for (const tag of ["role=master", "role:master"]) {
      expect(await c.run("members", "--tag", tag, "-o", "json")).toBe(0);
      expect(JSON.parse(c.out.at(-1) ?? "").members.length).toBe(1);
    }
    expect(await c.run("members", "--tag", "role=node", "-o", "json")).toBe(0);
    expect(JSON.parse(c.out.at(-1) ?? "").members).toEqual([]);
    expect(await c.run("members", "--tag", "role")).toBe(2);
    expect(c.err.at(-1)).toBe('satellite members: --tag "role" has no value; write key=value, e.g. role=master');
  });

  test("checks shows when each check last ran; -o wide its timeout, last duration and failures in a row", async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 22, 12, 0, 0));
    const view = { name: "etcd", kind: "etcd-healthz", intervalMs: 10_000, timeoutMs: 5000, probes: [{ checker: "etcd", status: "failed" as const, error: "connection refused by 10.0.0.5:2379" }], consecutiveFailures: 3, lastRunAtMs: clock.nowMs() - 75_000, lastDurationMs: 12.4 };
    const fixture = makeApp({ checks: { list: () => [view], run: async () => undefined } });
    const c = cliFixture({ app: fixture.app, clock });
    expect(await c.run("checks")).toBe(0);
    expect(c.out[0]).toBe("NAME  KIND          INTERVAL  LAST RUN   LAST RESULT\netcd  etcd-healthz  10s       1m15s ago  failed: connection refused by 10.0.0.5:2379");
    expect(await c.run("checks", "-o", "wide")).toBe(0);
    expect(c.out[1]).toContain("TIMEOUT  LAST RUN   TOOK  FAILURES IN A ROW");
    expect(c.out[1]).toContain("5s       1m15s ago  12ms  3");
    expect(await c.run("checks", "-o", "yaml")).toBe(0);
    expect(parseYaml(c.out[2] ?? "").checks[0].lastRunAtMs).toBe(view.lastRunAtMs);
  });

  test("history -o wide adds the states; -o yaml the events; join -o json the agent's answer", async () => {
    const fixture = makeApp();
    await fixture.history.appendEvents([{ timestamp: Date.UTC(2026, 0, 2, 15, 4, 5), type: "ProbeFailed", node: "n1", probe: "etcd", oldState: "running", newState: "failed", error: "connection refused by 10.0.0.5:2379" }]);
    const c = cliFixture({ app: fixture.app });
    expect(await c.run("history", "-o", "wide")).toBe(0);
    expect(c.out[0]).toBe("[Jan  2 15:04:05 UTC] Probe Failed [n1] [etcd] running -> failed: connection refused by 10.0.0.5:2379");
    expect(await c.run("history", "-o", "yaml")).toBe(0);
    expect(parseYaml(c.out[1] ?? "").events[0]).toMatchObject({ type: "ProbeFailed", error: "connection refused by 10.0.0.5:2379" });
    expect(await c.run("join", "10.0.0.2", "-o", "json")).toBe(0);
    expect(JSON.parse(c.out[2] ?? "")).toEqual({ joined: 1 });
  });
});

describe("where the agent is: --addr, then --rpc-port, then SATELLITE_ADDR, then 127.0.0.1:7575", () => {
  test.each([
    [["--addr", "10.0.0.9:7000", "--rpc-port", "7001"], { SATELLITE_ADDR: "10.0.0.8:7002" }, "http://10.0.0.9:7000/members"],
    [["--rpc-port", "7001"], { SATELLITE_ADDR: "10.0.0.8:7002" }, "http://127.0.0.1:7001/members"],
    [[], { SATELLITE_ADDR: "https://10.0.0.8:7002" }, "https://10.0.0.8:7002/members"],
    [[], { SATELLITE_RPC_ADDR: "0.0.0.0:9999" }, "http://127.0.0.1:7575/members"],
    [[], {}, "http://127.0.0.1:7575/members"],
  ])("%p with %p asks %s", async (flags, env, url) => {
    const c = cliFixture({ app: makeApp().app, env });
    expect(await c.run("members", ...flags)).toBe(0);
    expect(c.urls[0]).toBe(url);
  });

  test("every client command reads SATELLITE_ADDR; a bad one exits 2 naming it", async () => {
    for (const command of [["status"], ["members"], ["history"], ["checks"], ["join", "10.0.0.2"], ["leave"]]) {
      const c = cliFixture({ app: makeApp().app, env: { SATELLITE_ADDR: "10.0.0.8:7002" } });
      await c.run(...command);
      expect({ command, url: c.urls[0]?.startsWith("http://10.0.0.8:7002/") }).toEqual({ command, url: true });
    }
    const bad = cliFixture({ app: makeApp().app, env: { SATELLITE_ADDR: "10.0.0.8" } });
    expect(await bad.run("status")).toBe(2);
    expect(bad.err).toEqual(['satellite status: SATELLITE_ADDR "10.0.0.8" must be host:port or https://host:port with a port 1-65535, e.g. 10.0.0.5:7575']);
  });
});
