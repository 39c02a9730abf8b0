import { describe, expect, test } from "bun:test";
import { z } from "zod";
import { checkerSettingsOf, planChecks } from "../../src/agent/check-setup.ts";
import { checkerKinds } from "../../src/checkers/all-kinds.ts";
import { loadAgentConfig } from "../../src/config/load.ts";
import { createFakeHostProbe } from "../../src/platform/host-probe.ts";
import { createMemoryLogger, silentLogger } from "../../src/platform/logger.ts";
import type { CheckerEnvironment, CheckerKind } from "../../src/probes/checker.ts";

/** Records the environment every check of its kind is built with. */
function capturingKind(): { kind: CheckerKind; envs: CheckerEnvironment[] } {
  const envs: CheckerEnvironment[] = [];
  const kind: CheckerKind = {
    kind: "capture",
    description: "records its environment",
    options: () => z.strictObject({}),
    create(_options, env) {
      envs.push(env);
      return async () => [];
    },
  };
  return { kind, envs };
}

const kinds = (extra: CheckerKind) => [...checkerKinds, extra];

function load(flags: Record<string, string | boolean>, file = "", extra?: CheckerKind) {
  const all = extra ? kinds(extra) : [...checkerKinds];
  return loadAgentConfig({
    flags: { config: "/etc/satellite.yaml", ...flags },
    env: {},
    readFile: () => file,
    hostname: () => "host-a",
    cwd: "/srv",
    findKind: (name) => all.find((k) => k.kind === name),
    kindNames: all.map((k) => k.kind),
  });
}

const SECRETS = {
  "api-token": "api-token-0123456789-secret",
  encrypt: "c2VjcmV0LWdvc3NpcC1rZXktMzItYnl0ZXMhISEhISE=",
  "keyring-file": "/etc/satellite/secret-keyring.json",
  "influxdb-url": "http://influx-secret-host:8086",
  "influxdb-user": "influx-secret-user",
  "influxdb-password": "influx-secret-password",
};

describe("checkerSettingsOf", () => {
  test("a configuration with a token, gossip keys and InfluxDB credentials gives checkers none of them", () => {
    const config = load({ ...SECRETS, "kubelet-addr": "http://10.0.0.4:10248", "etcd-keyfile": "/etc/etcd/client.key" });
    // The secrets are really in the configuration the slice is built from.
    expect(config.apiToken).toBe(SECRETS["api-token"]);
    expect(config.influxdbPassword).toBe(SECRETS["influxdb-password"]);
    const text = JSON.stringify(checkerSettingsOf(config));
    for (const [flag, secret] of Object.entries(SECRETS)) expect(text, flag).not.toContain(secret);
    expect(text).toContain("http://10.0.0.4:10248");
    expect(text).toContain("/etc/etcd/client.key");
  });

  test("every value is resolved: a bare configuration gives the schema's defaults, nothing left unset but optional paths", () => {
    expect(checkerSettingsOf(load({}))).toEqual({
      nodeName: "host-a",
      stateDir: "/srv/.satellite",
      apiPorts: [7575],
      kubeconfig: undefined,
      kubeletAddr: "http://127.0.0.1:10248",
      dockerAddr: "/var/run/docker.sock",
      etcdServers: ["http://127.0.0.1:2379"],
      etcdCafile: undefined,
      etcdCertfile: undefined,
      etcdKeyfile: undefined,
      thresholds: {},
    });
  });

  test("thresholds: one number for every node, or the value of the node's role; a role without one leaves the check's own", () => {
    const file = "thresholds: { cpu_idle_min: 5, memory_critical: { master: 90, node: 97 }, disk_max: { node: 80 } }\n";
    expect(checkerSettingsOf(load({ tags: "role=master" }, file)).thresholds).toEqual({ cpu_idle_min: 5, memory_critical: 90 });
    expect(checkerSettingsOf(load({ tags: "role=node" }, file)).thresholds).toEqual({ cpu_idle_min: 5, memory_critical: 97, disk_max: 80 });
  });

  test("an agent threshold that no check here declares (a misspelt name) is warned about at planning", async () => {
    const file = [
      "thresholds: { cpu_idle_min: 5, cpu_idel_min: 7 }",
      "defaultChecks: false",
      "checks:",
      '  - { name: cpu, kind: evaluated, thresholds: { cpu_idle_min: 10 }, criticalIf: "collector.cpu.cpu_all.%idle < thresholds.cpu_idle_min" }',
      "",
    ].join("\n");
    const logger = createMemoryLogger();
    await planChecks(load({}, file), { find: (name) => checkerKinds.find((k) => k.kind === name), names: checkerKinds.map((k) => k.kind) }, createFakeHostProbe([]), logger);
    const warnings = logger.lines.filter((l) => l.includes(" WARN "));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("thresholds=cpu_idel_min declared=cpu_idle_min");
  });

  test("configured values are carried over; API ports come from every rpcAddr, a bare host getting the default port", () => {
    const settings = checkerSettingsOf(
      load({ name: "n7", "state-dir": "/var/lib/satellite", "rpc-addr": "10.0.0.7,127.0.0.1:8080,[::1]:8080", kubeconfig: "/etc/kubernetes/admin.conf", "docker-addr": "tcp://10.0.0.9:2375", "etcd-servers": "https://10.0.0.5:2379,https://10.0.0.6:2379", "etcd-cafile": "/etc/etcd/ca.pem" }),
    );
    expect(settings).toMatchObject({
      nodeName: "n7",
      stateDir: "/var/lib/satellite",
      apiPorts: [7575, 8080],
      kubeconfig: "/etc/kubernetes/admin.conf",
      dockerAddr: "tcp://10.0.0.9:2375",
      etcdServers: ["https://10.0.0.5:2379", "https://10.0.0.6:2379"],
      etcdCafile: "/etc/etcd/ca.pem",
    });
  });

  test("an empty path in the config file counts as unset", () => {
    expect(checkerSettingsOf(load({}, 'kubeconfig: ""\netcdCafile: ""\n')).kubeconfig).toBeUndefined();
  });

  test("the slice is frozen: one checker cannot change what another sees", () => {
    const settings = checkerSettingsOf(load({}));
    expect(Object.isFrozen(settings)).toBe(true);
    expect(Object.isFrozen(settings.etcdServers)).toBe(true);
  });
});

describe("planChecks", () => {
  test("checkers are built with the settings slice, a logger and the peers, never the configuration", async () => {
    const capture = capturingKind();
    const config = load(SECRETS, "defaultChecks: false\nchecks:\n  - { name: c, kind: capture }\n", capture.kind);
    const list = kinds(capture.kind);
    const peers = () => [];
    const plan = await planChecks(config, { find: (name) => list.find((k) => k.kind === name), names: list.map((k) => k.kind) }, createFakeHostProbe([]), silentLogger, peers);
    expect(plan.scheduled.map((s) => s.name)).toEqual(["c"]);
    const [env] = capture.envs;
    expect(Object.keys(env ?? {}).sort()).toEqual(["logger", "peers", "settings"]);
    expect(env?.settings).toEqual(checkerSettingsOf(config));
    expect(env?.peers).toBe(peers);
    const text = JSON.stringify(env?.settings);
    for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
  });

  test("common keys a check does not set take the schema's check-entry defaults; a timeout never exceeds the interval", async () => {
    const capture = capturingKind();
    const config = load({}, "defaultChecks: false\nchecks:\n  - { name: plain, kind: capture }\n  - { name: short, kind: capture, intervalMs: 2000, severity: warning }\n", capture.kind);
    const list = kinds(capture.kind);
    const plan = await planChecks(config, { find: (name) => list.find((k) => k.kind === name), names: list.map((k) => k.kind) }, createFakeHostProbe([]), silentLogger);
    expect(plan.tracked.map(({ name, intervalMs, timeoutMs, severity, failuresBeforeCritical, successesBeforePassing }) => [name, intervalMs, timeoutMs, severity, failuresBeforeCritical, successesBeforePassing])).toEqual([
      ["plain", 10_000, 5_000, "critical", 1, 1],
      ["short", 2000, 2000, "warning", 1, 1],
    ]);
  });

  test("a configured check named like a built-in, or like its former name, replaces it", async () => {
    const list = [...checkerKinds];
    const find = { find: (name: string) => list.find((k) => k.kind === name), names: list.map((k) => k.kind) };
    const builtIn = await planChecks(load({ tags: "role:node" }), find, createFakeHostProbe([]), silentLogger);
    expect(builtIn.scheduled.map((s) => s.name)).toContain("kernel-check");
    const byFormerName = await planChecks(load({ tags: "role:node" }, "checks:\n  - { name: kernel-version, kind: kernel-version, minimum: '5.4' }\n  - { name: port-checker, kind: port-conflicts, ports: [53] }\n"), find, createFakeHostProbe([]), silentLogger);
    const names = byFormerName.scheduled.map((s) => s.name);
    expect(names).not.toContain("kernel-check");
    expect(names.filter((n) => n === "port-checker")).toHaveLength(1);
    expect(names.slice(-2)).toEqual(["kernel-version", "port-checker"]);
  });
});
