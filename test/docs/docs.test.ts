import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { checkerKinds, findCheckerKind } from "../../src/checkers/all-kinds.ts";
import { AGENT_FLAGS, envNameOf } from "../../src/config/agent-flags.ts";
import { loadAgentConfig } from "../../src/config/load.ts";

const root = join(import.meta.dir, "../..");
const read = (path: string) => readFileSync(join(root, path), "utf8");

test("docs/configuration.md documents every agent flag, its variable and its key", () => {
  const doc = read("docs/configuration.md");
  for (const flag of AGENT_FLAGS) {
    expect(doc).toContain(`\`--${flag.flag}\``);
    expect(doc).toContain(`\`${envNameOf(flag)}\``);
    expect(doc).toContain(`\`${flag.key}\``);
  }
});

test("the README names exactly the checks a bare host runs", async () => {
  const { defaultChecks } = await import("../../src/checkers/defaults.ts");
  const { createFakeHostProbe } = await import("../../src/platform/host-probe.ts");
  const settings = { nodeName: "n1", stateDir: "/var/lib/satellite", apiPorts: [7575], kubeconfig: undefined, kubeletAddr: "http://127.0.0.1:10248", dockerAddr: "/var/run/docker.sock", etcdServers: ["http://127.0.0.1:2379"], etcdCafile: undefined, etcdCertfile: undefined, etcdKeyfile: undefined };
  const readme = read("README.md").replace(/\s+/g, " ");
  const paragraph = readme.slice(readme.indexOf("On a bare host"), readme.indexOf("lists the ones left out"));
  const named = (text: string) => [...text.matchAll(/`([a-z][a-z-]*)`/g)].map((m) => m[1]);
  for (const [present, extra] of [[[], []], [["/etc/resolv.conf", "/run/systemd/system"], ["dns", "systemd"]]] as const) {
    const { checks } = await defaultChecks({ role: "master", settings, probeHost: createFakeHostProbe([...present], { systemctl: "/usr/bin/systemctl" }) });
    const always = checks.map((c) => c.name).filter((name) => !(extra as readonly string[]).includes(name));
    expect(named(paragraph.slice(0, paragraph.indexOf("`dns` joins them"))).sort()).toEqual(always.sort());
    for (const name of extra) expect(paragraph).toContain(`\`${name}\``);
  }
});

test("the README shows the two commands", () => {
  const readme = read("README.md");
  expect(readme).toContain("npm install && npm start");
  expect(readme).toContain("npm test");
});

/** `### \`kind\`` headings of docs/checks.md -> the text up to the next heading of that level or above. */
function kindSections(doc: string): Map<string, string> {
  const sections = new Map<string, string>();
  const headings = [...doc.matchAll(/^### `([^`]+)`$/gm)];
  headings.forEach((heading, i) => {
    const start = (heading.index ?? 0) + heading[0].length;
    const next = doc.slice(start).search(/^#{1,3} /m);
    sections.set(heading[1] as string, doc.slice(start, next === -1 ? undefined : start + next));
  });
  return sections;
}

describe("docs/checks.md", () => {
  const sections = kindSections(read("docs/checks.md"));

  test("has one section per registered kind, and none for a kind that does not exist", () => {
    expect([...sections.keys()].sort()).toEqual(checkerKinds.map((k) => k.kind).sort());
  });

  for (const kind of checkerKinds) {
    test(`${kind.kind}: every option is documented and every YAML example loads as a config file`, () => {
      const section = sections.get(kind.kind) ?? "";
      const shape = (kind.options() as unknown as { shape: Record<string, unknown> }).shape;
      for (const option of Object.keys(shape)) expect(section, `option ${option}`).toContain(`| \`${option}\` |`);
      const examples = [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] as string);
      expect(examples.length).toBeGreaterThan(0);
      for (const yaml of examples) {
        const config = loadAgentConfig({
          flags: { config: "/docs/example.yaml" },
          env: {},
          readFile: () => yaml,
          hostname: () => "docs",
          cwd: "/",
          findKind: (name) => findCheckerKind(name),
          kindNames: checkerKinds.map((k) => k.kind),
        });
        expect(config.checks.map((c) => c.kind.kind)).toEqual(config.checks.map(() => kind.kind));
        expect(config.checks.length).toBeGreaterThan(0);
      }
    });
  }
});

test("relative links in docs/configuration.md and docs/checks.md point at files that exist", () => {
  for (const path of ["docs/configuration.md", "docs/checks.md"]) {
    const targets = [...read(path).matchAll(/\]\(([^)#:\s]+)(#[^)]*)?\)/g)].map((m) => m[1] as string);
    expect(targets.length).toBeGreaterThan(0);
    for (const target of targets) expect(existsSync(join(root, dirname(path), target)), `${path} -> ${target}`).toBe(true);
  }
});
