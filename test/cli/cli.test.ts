import { describe, expect, test } from "bun:test";
import type { CliDeps } from "../../src/cli/cli-deps.ts";
import { formatEventLine } from "../../src/cli/history-format.ts";
import { runCli } from "../../src/cli/run-cli.ts";
import { startingResponse } from "../../src/api/starting-responses.ts";
import { makeApp } from "../api/app-fixture.ts";

/** CLI deps whose fetch goes straight into an in-process app (no sockets), output captured. */
function cli(app?: ReturnType<typeof makeApp>["app"], onTimer?: (delayMs: number) => void) {
  const out: string[] = [];
  const err: string[] = [];
  const urls: string[] = [];
  const deps: CliDeps = {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    env: {},
    fetch: (async (input: string | URL | Request, init?: RequestInit) => {
      const url = String(input);
      urls.push(url);
      if (!app) throw new Error("Unable to connect. Is the computer able to access the url?");
      return app.request(url.replace(/^http:\/\/[^/]+/, ""), init, { remoteAddress: "127.0.0.1" });
    }) as typeof fetch,
    readFile: () => {
      throw new Error("no files here");
    },
    hostname: () => "h",
    cwd: () => "/work",
    // Timers fire at once, each recorded: the waits for a starting agent are counted, not slept.
    clock: onTimer ? { nowMs: () => 0, monotonicMs: () => 0, setTimer: (ms, fn) => (onTimer(ms), queueMicrotask(fn), { cancel() {} }) } : undefined,
    agentPlatform: () => {
      throw new Error("not in this test");
    },
    waitForStopSignal: () => new Promise(() => {}),
  };
  return { deps, out, err, urls, run: (...args: string[]) => runCli(args, deps) };
}

describe("satellite status", () => {
  test("prints the JSON on stdout and exits 0 when running", async () => {
    const c = cli(makeApp().app);
    expect(await c.run("status")).toBe(0);
    expect(JSON.parse(c.out.join(""))).toMatchObject({ status: "running" });
    expect(c.urls).toEqual(["http://127.0.0.1:7575/status"]);
  });

  test("exits 1 when degraded; --local --pretty --addr", async () => {
    const fixture = makeApp();
    fixture.state.local = { name: "n1", status: "degraded" };
    const c = cli(fixture.app);
    expect(await c.run("status", "--local", "--pretty", "--addr", "10.0.0.7:7000")).toBe(1);
    expect(c.out.join("")).toBe('{\n  "name": "n1",\n  "status": "degraded"\n}');
    expect(c.urls).toEqual(["http://10.0.0.7:7000/local"]);
  });

  test("an agent still starting: status asks again every 200 ms, answers once the agent has started, and gives up after 10 s saying the agent is starting", async () => {
    const real = makeApp().app;
    let startingAnswers = 3;
    const waits: number[] = [];
    const agent = {
      request: async (path: string, init?: RequestInit, env?: unknown) => (startingAnswers-- > 0 ? startingResponse(new Request(`http://127.0.0.1:7575${path}`, init)) : real.request(path, init, env as never)),
    } as unknown as ReturnType<typeof makeApp>["app"];
    const waiting = cli(agent, (ms) => void waits.push(ms));
    expect(await waiting.run("status")).toBe(0);
    expect(JSON.parse(waiting.out.join(""))).toMatchObject({ status: "running" });
    expect(waits).toEqual([200, 200, 200]);
    for (const args of [["status"], ["status", "--local"], ["status", "-o", "table"]]) {
      startingAnswers = Number.POSITIVE_INFINITY;
      waits.length = 0;
      const c = cli(agent, (ms) => void waits.push(ms));
      expect(await c.run(...args)).toBe(2);
      expect(waits.reduce((a, b) => a + b, 0)).toBe(10_000);
      expect(c.err.join("\n")).toContain("the agent answered 503: the agent is starting");
      expect(c.out).toEqual([]);
    }
  });

  test("exits 2 and says where it looked when the agent is unreachable", async () => {
    const c = cli();
    expect(await c.run("status", "--rpc-port", "7999")).toBe(2);
    expect(c.err.join("\n")).toContain("satellite status: cannot reach the agent at http://127.0.0.1:7999");
    expect(c.err.join("\n")).toContain("--rpc-port");
    expect(c.out).toEqual([]);
  });

  test("bad flags exit 2 with a clear message", async () => {
    const c = cli(makeApp().app);
    expect(await c.run("status", "--rpc-port", "http")).toBe(2);
    expect(await c.run("status", "--colour")).toBe(2);
    // Named as typed, not as a long flag nobody wrote.
    expect(await c.run("maintenance", "start", "n3", "--for", "-5m")).toBe(2);
    expect(c.err).toEqual([
      'satellite status: --rpc-port "http" must be a port number 1-65535',
      "satellite status: unknown flag --colour; run `satellite help status` for the flags",
      "satellite maintenance start: unknown flag -5m; run `satellite help maintenance start` for the flags",
    ]);
  });
});

describe("help and usage", () => {
  test("--help, help agent, unknown command", async () => {
    const c = cli();
    expect(await c.run("--help")).toBe(0);
    for (const command of ["agent", "status", "members", "join", "leave", "history", "checks", "version", "config", "completion"]) {
      expect(c.out.join("")).toMatch(new RegExp(`^  ${command} `, "m"));
    }
    expect(await c.run("help", "agent")).toBe(0);
    const agentHelp = c.out.join("");
    for (const flag of ["--rpc-addr", "--tags", "--state-dir", "--initial-cluster", "--kubeconfig", "--etcd-cafile", "--influxdb-url", "--debug", "SATELLITE_RPC_ADDR"]) {
      expect(agentHelp).toContain(flag);
    }
    expect(agentHelp).not.toContain("\u001b[");
    expect(await c.run("frobnicate")).toBe(2);
    expect(c.err.at(-1)).toBe('satellite: unknown command "frobnicate"; run `satellite --help` for the commands');
  });

  test("version prints the build facts, OS, architecture and runtime; --version one line", async () => {
    const c = cli();
    expect(await c.run("version", "-o", "json")).toBe(0);
    const facts = JSON.parse(c.out[0] ?? "");
    expect(Object.keys(facts)).toEqual(["version", "gitCommit", "gitTreeState", "os", "arch", "runtime"]);
    expect(facts).toMatchObject({ os: process.platform, runtime: `bun ${Bun.version}` });
    expect(facts.arch).toBe(process.arch === "x64" ? "amd64" : process.arch);
    expect(await c.run("version", "-o", "table")).toBe(0);
    expect(c.out[1]).toContain(`runtime:  bun ${Bun.version}`);
    expect(c.out[1]).toContain(`os/arch:  ${process.platform}/${facts.arch}`);
    expect(await c.run("--version")).toBe(0);
    expect(c.out[2]).toBe(`satellite ${facts.version} (commit ${facts.gitCommit}, ${facts.gitTreeState}) ${process.platform}/${facts.arch} bun ${Bun.version}`);
    // Piped (this fixture is no terminal), `version` prints the JSON as it always did.
    expect(await c.run("version")).toBe(0);
    expect(JSON.parse(c.out[3] ?? "")).toEqual(facts);
    expect(c.err).toEqual([]);
  });

  test("agent with a bad config exits 2 naming the problem", async () => {
    const c = cli();
    expect(await c.run("agent", "--tags", "role:boss")).toBe(2);
    expect(c.err.join("\n")).toContain("flag --tags, key tags: a role tag is required: role=master or role=node (got role=boss)");
  });
});

describe("history, members, checks, join, leave", () => {
  test("history prints one line per event in the original format", async () => {
    const fixture = makeApp();
    await fixture.history.appendEvents([
      { timestamp: Date.UTC(2026, 0, 2, 15, 4, 5), type: "ProbeFailed", node: "node-1", probe: "docker" },
      { timestamp: Date.UTC(2026, 0, 3, 15, 4, 5), type: "NodeDegraded", node: "node-1" },
    ]);
    const c = cli(fixture.app);
    expect(await c.run("history", "--node", "node-1")).toBe(0);
    expect(c.out.join("\n")).toBe("[Jan  3 15:04:05 UTC] Node Degraded [node-1]\n[Jan  2 15:04:05 UTC] Probe Failed [node-1] [docker]");
    expect(c.urls.at(-1)).toBe("http://127.0.0.1:7575/history?node=node-1");
    expect(await c.run("history", "--since", "someday")).toBe(2);
  });

  test("formatEventLine pads the day like Go's _2", () => {
    expect(formatEventLine({ timestamp: "2026-11-22T08:00:00Z", type: "ClusterHealthy" })).toBe("[Nov 22 08:00:00 UTC] Cluster Healthy");
  });

  test("formatEventLine: a maintenance window of a check on every node shows [*] for the node, so the check does not read as a node", () => {
    expect(formatEventLine({ timestamp: "2026-11-22T08:00:00Z", type: "MaintenanceStarted", probe: "ntp" })).toBe("[Nov 22 08:00:00 UTC] Maintenance Started [*] [ntp]");
    expect(formatEventLine({ timestamp: "2026-11-22T08:00:00Z", type: "MaintenanceEnded", node: "n3", probe: "ntp" })).toBe("[Nov 22 08:00:00 UTC] Maintenance Ended [n3] [ntp]");
    expect(formatEventLine({ timestamp: "2026-11-22T08:00:00Z", type: "MaintenanceEnded", node: "n3" })).toBe("[Nov 22 08:00:00 UTC] Maintenance Ended [n3]");
  });

  test("history shows why a probe failed, after it recovered, from the agent's /history", async () => {
    const fixture = makeApp();
    await fixture.history.appendEvents([
      { timestamp: Date.UTC(2026, 0, 2, 15, 4, 5), type: "ProbeFailed", node: "n1", probe: "etcd", oldState: "running", newState: "failed", error: "connection refused by 10.0.0.5:2379\u001b[2J" },
      { timestamp: Date.UTC(2026, 0, 2, 15, 5, 5), type: "ProbeSucceeded", node: "n1", probe: "etcd", oldState: "failed", newState: "running" },
    ]);
    const c = cli(fixture.app);
    expect(await c.run("history")).toBe(0);
    expect(c.out.join("\n")).toBe("[Jan  2 15:05:05 UTC] Probe Succeeded [n1] [etcd]\n[Jan  2 15:04:05 UTC] Probe Failed [n1] [etcd]: connection refused by 10.0.0.5:2379\\u001b[2J");
    expect(await c.run("history", "--json")).toBe(0);
    expect(JSON.parse(c.out.at(-1) ?? "").events[1].error).toBe("connection refused by 10.0.0.5:2379\u001b[2J");
  });

  test("members prints a table, filters, and JSON", async () => {
    const c = cli(makeApp().app);
    expect(await c.run("members")).toBe(0);
    expect(c.out[0]).toBe("NAME  ADDRESS        STATUS  HEALTH   TAGS\nn1    10.0.0.1:7946  alive   unknown  role=master");
    expect(await c.run("members", "--status", "failed", "--json")).toBe(0);
    expect(JSON.parse(c.out[1] ?? "")).toEqual({ members: [] });
    expect(await c.run("members", "--tag", "role=master", "--json")).toBe(0);
    expect(JSON.parse(c.out[2] ?? "").members.length).toBe(1);
    expect(await c.run("members", "--status", "dead")).toBe(2);
  });

  test("checks lists, checks run runs one", async () => {
    const c = cli(makeApp().app);
    expect(await c.run("checks")).toBe(0);
    expect(c.out[0]).toBe("NAME        KIND        INTERVAL  LAST RUN  LAST RESULT\ndisk-space  disk-space  10s       never     running");
    expect(await c.run("checks", "run", "disk-space")).toBe(0);
    expect(await c.run("checks", "run", "nope")).toBe(2);
    expect(c.err.at(-1)).toContain('no check named "nope"');
  });

  test("join and leave", async () => {
    const c = cli(makeApp().app);
    expect(await c.run("join", "10.0.0.2:7946", "10.0.0.3")).toBe(0);
    expect(c.out.at(-1)).toBe("joined: 2 peer(s) answered");
    expect(await c.run("join")).toBe(2);
    expect(await c.run("leave")).toBe(0);
  });
});
