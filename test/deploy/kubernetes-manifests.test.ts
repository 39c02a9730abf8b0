import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { AGENT_FLAGS, envNameOf } from "../../src/config/agent-flags.ts";
import { loadAgentConfig } from "../../src/config/load.ts";
import type { FlagValue } from "../../src/config/sources.ts";
import { checkerKinds, findCheckerKind } from "../../src/checkers/all-kinds.ts";
import { unknownFields } from "./kube-unknown-fields.ts";

// The manifests are checked offline: against the Kubernetes API's JSON schemas (the validators
// of kubernetes-models, the same rules the API server applies to types, formats, enums and
// required fields), for fields the API does not define, and against what the agent accepts.
const dir = join(import.meta.dir, "../../deploy/kubernetes");
type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; [key: string]: any };

function manifests(file: string): Manifest[] {
  return parseAllDocuments(readFileSync(join(dir, file), "utf8")).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]?.message}`);
    return doc.toJS() as Manifest;
  });
}

const files = readdirSync(dir).filter((f) => f.endsWith(".yaml") && f !== "kustomization.yaml");
const all = files.flatMap((file) => manifests(file).map((m) => ({ file, m })));
const find = (kind: string, name: string) => all.find(({ m }) => m.kind === kind && m.metadata.name === name)?.m;
const daemonSet = find("DaemonSet", "satellite") as Manifest;
const container = daemonSet?.spec.template.spec.containers[0];

describe("deploy/kubernetes against the Kubernetes schemas", () => {
  for (const { file, m } of all) {
    test(`${file}: ${m.kind} ${m.metadata.name} is valid for ${m.apiVersion}`, async () => {
      const group = m.apiVersion.includes("/") ? m.apiVersion : `v1`;
      const module = (await import(`kubernetes-models/${group}/${m.kind}`)) as Record<string, new (data: unknown) => { validate(): void }>;
      const Model = module[m.kind];
      expect(Model, `kubernetes-models has no ${m.apiVersion} ${m.kind}`).toBeDefined();
      expect(() => new (Model as new (data: unknown) => { validate(): void })(m).validate()).not.toThrow();
      expect(unknownFields(m, m.apiVersion, m.kind)).toEqual([]);
    });
  }

  test("the strict checks catch what they are for: a misspelt key, a wrong type", async () => {
    const broken = structuredClone(daemonSet);
    broken.spec.template.spec.securityContxt = {};
    expect(unknownFields(broken, "apps/v1", "DaemonSet")).toEqual(["DaemonSet.spec.template.spec.securityContxt"]);
    const { DaemonSet } = await import("kubernetes-models/apps/v1/DaemonSet");
    const wrongType = structuredClone(daemonSet);
    wrongType.spec.template.spec.containers[0].livenessProbe.httpGet.port = { number: 7575 };
    expect(() => new DaemonSet(wrongType).validate()).toThrow("livenessProbe/httpGet/port");
  });

  test("the kustomization lists every manifest of the agent, and only files that exist", () => {
    const kustomization = manifests("kustomization.yaml")[0] as unknown as { resources: string[] };
    for (const resource of kustomization.resources) expect(existsSync(join(dir, resource)), resource).toBe(true);
    for (const file of ["namespace.yaml", "serviceaccount.yaml", "rbac.yaml", "satellite-seeds.yaml", "gossip-service.yaml", "daemonset.yaml"]) expect(kustomization.resources).toContain(file);
  });
});

describe("the DaemonSet runs an agent that accepts its flags", () => {
  const args = container.args as string[];

  test("every flag it passes is an agent flag, booleans without a value", () => {
    expect(args[0]).toBe("agent");
    for (const arg of args.slice(1)) {
      const match = /^--([a-z0-9-]+)(=(.*))?$/.exec(arg);
      expect(match, arg).not.toBeNull();
      const flag = AGENT_FLAGS.find((f) => f.flag === match?.[1]);
      expect(flag, `--${match?.[1]} is not an agent flag`).toBeDefined();
      expect(match?.[2] === undefined, `${arg}: ${flag?.kind}`).toBe(flag?.kind === "boolean");
    }
    for (const env of container.env as { name: string }[]) {
      if (env.name.startsWith("SATELLITE_")) expect(AGENT_FLAGS.map(envNameOf), env.name).toContain(env.name);
    }
  });

  test("the agent loads the configuration they make, with the condition, events and role from the label on", () => {
    // $(VAR) is what the kubelet substitutes from the container's env; stand-ins for the downward API.
    const values: Record<string, string> = { NODE_NAME: "node-1", HOST_IP: "10.0.0.11", SEEDS: manifests("satellite-seeds.yaml")[0]?.data["initial-cluster"] };
    const flags: Record<string, FlagValue> = {};
    for (const arg of args.slice(1)) {
      const [, name, , value] = /^--([a-z0-9-]+)(=(.*))?$/.exec(arg) as RegExpExecArray;
      flags[name as string] = value === undefined ? true : value.replace(/\$\((\w+)\)/g, (_, v: string) => values[v] ?? "");
    }
    const env = Object.fromEntries((container.env as { name: string; value?: string }[]).filter((e) => e.value !== undefined).map((e) => [e.name, e.value]));
    // The key file is the Secret the operator creates (a `satellite keygen` key).
    // The config file is the satellite-config ConfigMap's key, mounted at /etc/satellite/config.
    const configFile = find("ConfigMap", "satellite-config")?.data["satellite.yaml"] as string;
    const readFile = (path: string) => (path === "/etc/satellite/gossip/key" ? `${Buffer.alloc(32, 7).toString("base64")}\n` : path === "/etc/satellite/config/satellite.yaml" ? configFile : "");
    const config = loadAgentConfig({ flags, env, readFile, hostname: () => "h", cwd: "/", findKind: (k) => findCheckerKind(k), kindNames: checkerKinds.map((k) => k.kind) });
    expect(config).toMatchObject({ name: "node-1", kubeNodeCondition: true, kubeEvents: true, roleFromNodeLabel: "node-role.kubernetes.io/control-plane", stateDir: "/var/lib/satellite", rpcAddr: ["127.0.0.1:7575"] });
    expect(config.initialCluster).toEqual(["satellite-gossip.satellite.svc.cluster.local:7946"]);
    // The pod-network check runs on every node (nethealth.yaml serves what it reads).
    expect(config.checks.map((c) => `${c.spec.name}:${c.spec.kind}`)).toContain("overlay:overlay");
  });

  test("node name and address from the downward API; host network; control-plane tolerations", () => {
    const env = container.env as { name: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[];
    expect(env.find((e) => e.name === "NODE_NAME")?.valueFrom?.fieldRef?.fieldPath).toBe("spec.nodeName");
    expect(env.find((e) => e.name === "HOST_IP")?.valueFrom?.fieldRef?.fieldPath).toBe("status.hostIP");
    const pod = daemonSet.spec.template.spec;
    expect(pod.hostNetwork).toBe(true);
    expect(pod.dnsPolicy).toBe("ClusterFirstWithHostNet");
    expect(pod.tolerations).toContainEqual({ key: "node-role.kubernetes.io/control-plane", operator: "Exists", effect: "NoSchedule" });
  });

  test("probes: /livez and /readyz on 127.0.0.1 at the port of --rpc-addr", () => {
    const rpcPort = Number(/^--rpc-addr=127\.0\.0\.1:(\d+)$/.exec(args.find((a) => a.startsWith("--rpc-addr=")) ?? "")?.[1]);
    expect(container.livenessProbe.httpGet).toEqual({ host: "127.0.0.1", path: "/livez", port: rpcPort });
    expect(container.readinessProbe.httpGet).toEqual({ host: "127.0.0.1", path: "/readyz", port: rpcPort });
  });

  test("resources bounded, no capabilities, no escalation, read-only root, state on the host", () => {
    expect(container.resources.requests).toBeDefined();
    expect(container.resources.limits.memory).toBeDefined();
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
    expect(container.securityContext.privileged).toBeUndefined();
    const volumes = daemonSet.spec.template.spec.volumes as { name: string; hostPath?: { path: string } }[];
    const stateDir = args.find((a) => a.startsWith("--state-dir="))?.slice("--state-dir=".length);
    const mount = (container.volumeMounts as { name: string; mountPath: string }[]).find((v) => v.mountPath === stateDir);
    expect(volumes.find((v) => v.name === mount?.name)?.hostPath?.path).toBe("/var/lib/satellite");
  });
});

describe("RBAC: what the agent calls, and no more", () => {
  const role = find("ClusterRole", "satellite") as Manifest;
  const allowed = (group: string, resource: string, verb: string, rules = role.rules) =>
    (rules as { apiGroups: string[]; resources: string[]; verbs: string[] }[]).some((r) => r.apiGroups.includes(group) && r.resources.includes(resource) && r.verbs.includes(verb));

  test.each([
    ["", "nodes", "get", "--role-from-node-label, the condition, node-status"],
    ["", "nodes", "list", "nodes-status"],
    ["", "nodes/status", "patch", "--kube-node-condition"],
    ["", "events", "create", "--kube-events"],
    ["", "pods", "list", "system-pods-checker, critical-pods"],
  ])("%s %s %s (%s)", (group, resource, verb) => {
    expect(allowed(group, resource, verb)).toBe(true);
  });

  test("nothing that writes workloads or reads secrets cluster-wide; the canary's Deployment rights only in default", () => {
    for (const rule of role.rules as { resources: string[]; verbs: string[] }[]) {
      expect(rule.resources).not.toContain("secrets");
      expect(rule.resources).not.toContain("*");
      expect(rule.verbs).not.toContain("*");
    }
    expect(allowed("apps", "deployments", "create")).toBe(false);
    const canary = find("Role", "satellite-canary") as Manifest;
    expect(canary.metadata.namespace).toBe("default");
    expect(allowed("apps", "deployments", "create", canary.rules)).toBe(true);
    const binding = find("ClusterRoleBinding", "satellite") as Manifest;
    expect(binding.subjects).toEqual([{ kind: "ServiceAccount", name: daemonSet.spec.template.spec.serviceAccountName, namespace: daemonSet.metadata.namespace }]);
  });
});
