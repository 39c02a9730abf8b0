import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DaemonSet } from "kubernetes-models/apps/v1";
import { ServiceAccount } from "kubernetes-models/v1";
import { Role, RoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1";
import { parseAllDocuments } from "yaml";
import { overlayOptions } from "../../src/checkers/overlay.ts";
import { nethealthCommand } from "../../src/cli/commands/nethealth.ts";
import { NETHEALTH_PORT, resolveNethealthOptions, type NethealthFlags } from "../../src/nethealth/nethealth-options.ts";
import { unknownFields } from "./kube-unknown-fields.ts";

const dir = join(import.meta.dir, "../../deploy/kubernetes");
const docs = parseAllDocuments(readFileSync(join(dir, "nethealth.yaml"), "utf8")).map((d) => d.toJS() as { kind: string; metadata: { name: string; namespace?: string } });
const byKind = (kind: string) => docs.find((d) => d.kind === kind) as any;

describe("deploy/kubernetes/nethealth.yaml", () => {
  test("every object is valid against the Kubernetes API schemas, with no field the API does not define", () => {
    const models: Record<string, new (doc: any) => { validate(): void }> = { ServiceAccount, Role, RoleBinding, DaemonSet };
    expect(docs.map((d) => d.kind).sort()).toEqual(["DaemonSet", "Role", "RoleBinding", "ServiceAccount"]);
    for (const doc of docs) {
      const Model = models[doc.kind];
      if (!Model) throw new Error(`no schema model for ${doc.kind}`);
      expect(() => new Model(doc).validate(), `${doc.kind} ${doc.metadata.name}`).not.toThrow();
      expect(unknownFields(doc, (doc as unknown as { apiVersion: string }).apiVersion, doc.kind)).toEqual([]);
    }
  });

  test("the DaemonSet runs on the pod network, as nobody, read-only, without capabilities, on every node", () => {
    const spec = byKind("DaemonSet").spec.template.spec;
    expect(spec.hostNetwork).toBeUndefined();
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65534 });
    expect(spec.tolerations).toEqual([{ operator: "Exists" }]);
    const container = spec.containers[0];
    expect(container.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
    expect(container.resources.limits).toBeDefined();
    expect(container.livenessProbe.httpGet).toEqual({ path: "/livez", port: NETHEALTH_PORT });
  });

  test("its service account may list pods in its namespace and nothing else", () => {
    expect(byKind("Role").rules).toEqual([{ apiGroups: [""], resources: ["pods"], verbs: ["list"] }]);
    expect(byKind("RoleBinding").subjects).toEqual([{ kind: "ServiceAccount", name: "satellite-nethealth", namespace: "satellite" }]);
    expect(byKind("DaemonSet").spec.template.spec.serviceAccountName).toBe(byKind("ServiceAccount").metadata.name);
  });

  test("every flag it passes is one `satellite nethealth` takes, and the values resolve", () => {
    const container = byKind("DaemonSet").spec.template.spec.containers[0];
    const [mode, ...args] = container.args as string[];
    expect(mode).toBe("nethealth");
    const known = Object.keys(nethealthCommand.args ?? {});
    const flags: Record<string, string> = {};
    for (const arg of args) {
      const [, name = "", value = ""] = arg.match(/^--([a-z-]+)=(.*)$/) ?? [];
      expect(known, arg).toContain(name);
      // The kubelet expands $(VAR) from the container's env.
      flags[name] = value.replace(/\$\(NODE_NAME\)/, "node-1").replace(/\$\(POD_NAMESPACE\)/, "satellite");
    }
    const env = Object.fromEntries((container.env as { name: string }[]).map((e) => [e.name, e]));
    expect(Object.keys(env).sort()).toEqual(["NODE_NAME", "POD_NAMESPACE"]);
    const options = resolveNethealthOptions(flags as NethealthFlags, "pod-hostname");
    expect(options.name).toBe("node-1");
    expect(options.peers).toMatchObject({ from: "kube", source: { namespace: "satellite", port: NETHEALTH_PORT } });
  });

  test("the pods carry the label the nethealth peers and the agents' overlay check select, and listen where the check reads", () => {
    const ds = byKind("DaemonSet");
    const labels = ds.spec.template.metadata.labels as Record<string, string>;
    const defaults = overlayOptions().parse({});
    const [key, value] = defaults.selector.split("=") as [string, string];
    expect(labels[key]).toBe(value);
    expect(ds.spec.selector.matchLabels[key]).toBe(value);
    expect(ds.metadata.namespace).toBe(defaults.namespace);
    const args = ds.spec.template.spec.containers[0].args as string[];
    expect(args).toContain(`--kube-selector=${defaults.selector}`);
    const ports = ds.spec.template.spec.containers[0].ports as { containerPort: number; protocol: string }[];
    expect(ports.map((p) => `${p.containerPort}/${p.protocol}`).sort()).toEqual([`${defaults.port}/TCP`, `${NETHEALTH_PORT}/UDP`]);
  });

  test("the kustomization applies it", () => {
    const kustomization = parseAllDocuments(readFileSync(join(dir, "kustomization.yaml"), "utf8"))[0]?.toJS() as { resources: string[] };
    expect(kustomization.resources).toContain("nethealth.yaml");
  });
});
