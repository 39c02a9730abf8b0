import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { findLayerViolations, layerOf, relativeImports, type SourceFile } from "./layer-rules.ts";

const repoRoot = join(import.meta.dir, "..", "..");

function readSourceTree(): SourceFile[] {
  const names = readdirSync(join(repoRoot, "src"), { recursive: true, encoding: "utf8" });
  return names
    .filter((name) => name.endsWith(".ts"))
    .map((name) => name.split("\\").join("/"))
    .sort()
    .map((name) => ({ path: `src/${name}`, text: readFileSync(join(repoRoot, "src", name), "utf8") }));
}

describe("layering of src/ (docs/ARCHITECTURE.md, Layering)", () => {
  const files = readSourceTree();

  test("the scan reads the source tree and finds its imports", () => {
    expect(files.length).toBeGreaterThan(100);
    const main = files.find((file) => file.path === "src/main.ts");
    expect(main).toBeDefined();
    expect(relativeImports(main?.text ?? "").length).toBeGreaterThan(0);
  });

  test("every import follows the layer map", () => {
    expect(findLayerViolations(files).map((v) => v.message)).toEqual([]);
  });
});

describe("the layer checker", () => {
  test("maps files to layers", () => {
    expect(layerOf("src/cluster/serf.ts")).toBe("cluster");
    expect(layerOf("src/membership/wire/packet.ts")).toBe("membership");
    expect(layerOf("src/main.ts")).toBe("main");
    expect(layerOf("src/build-info.ts")).toBe("build-info");
    expect(layerOf("test/sim/x.ts")).toBeUndefined();
  });

  test("finds static, re-exported, side-effect, multi-line and dynamic imports, not packages or comments", () => {
    const text = [
      'import { a } from "./a.ts";',
      'import type { B } from "../b/b.ts";',
      "import {",
      "  c,",
      "  d,",
      '} from "../c/c.ts";',
      'export { e } from "./e.ts";',
      'export * from "./f.ts";',
      'import "./g.ts";',
      'const h = await import("../h/h.ts");',
      'import { z } from "zod";',
      '// import { old } from "../old/old.ts";',
      '/** see import("../doc/doc.ts") */',
    ].join("\n");
    expect(relativeImports(text).sort()).toEqual(["../b/b.ts", "../c/c.ts", "../h/h.ts", "./a.ts", "./e.ts", "./f.ts", "./g.ts"]);
  });

  test("reports each bad import of a fake tree with the importing file, the imported file and the rule", () => {
    const fake: SourceFile[] = [
      { path: "src/platform/sockets.ts", text: 'import type { NetAddress } from "../membership/gossip-net.ts";' },
      { path: "src/events/stream.ts", text: 'import type { Probe } from "../probes/probe.ts";' },
      { path: "src/membership/net.ts", text: 'import { Serf } from "../cluster/serf.ts";\nimport { Clock } from "../platform/clock.ts";' },
      { path: "src/cluster/view.ts", text: 'import type { CheckOutcome } from "../probes/check-outcome.ts";\nimport type { X } from "../events/x.ts";' },
      { path: "src/probes/kube-ish.ts", text: 'import { kubeApi } from "../kube/kube-api.ts";\nimport { q } from "../store/filters.ts";' },
      { path: "src/checkers/kube-ok.ts", text: 'import { kubeApi } from "../kube/kube-api.ts";\nimport { v } from "../../src/build-info.ts";' },
      { path: "src/store/lazy.ts", text: 'const m = await import("../cluster/cluster-view.ts");' },
      { path: "src/api/routes.ts", text: 'import { startAgent } from "../agent/agent.ts";\nimport { view } from "../cluster/cluster-view.ts";' },
      { path: "src/agent/agent.ts", text: 'import { runCli } from "../cli/run-cli.ts";\nimport { app } from "../api/create-app.ts";' },
      { path: "src/cli/run-cli.ts", text: 'import { startAgent } from "../agent/agent.ts";' },
      { path: "src/build-info.ts", text: 'import type { VersionInfo } from "./api/api-deps.ts";' },
      { path: "src/main.ts", text: 'import { runCli } from "./cli/run-cli.ts";' },
      { path: "src/gadgets/thing.ts", text: 'import { x } from "../platform/x.ts";' },
    ];
    expect(findLayerViolations(fake).map((v) => v.message)).toEqual([
      'src/platform/sockets.ts imports src/membership/gossip-net.ts: against the rule "platform imports nothing of the project"',
      'src/events/stream.ts imports src/probes/probe.ts: against the rule "events imports only platform"',
      'src/membership/net.ts imports src/cluster/serf.ts: against the rule "membership imports only platform"',
      'src/cluster/view.ts imports src/probes/check-outcome.ts: against the rule "cluster imports only membership, events and platform"',
      'src/probes/kube-ish.ts imports src/kube/kube-api.ts: against the rule "probes imports nothing above events: only platform, events, probes, checkers, collectors, config, metrics, store (checkers also kube)"',
      'src/store/lazy.ts imports src/cluster/cluster-view.ts: against the rule "store imports nothing above events: only platform, events, probes, checkers, collectors, config, metrics, store (checkers also kube)"',
      'src/api/routes.ts imports src/agent/agent.ts: against the rule "api presents or sends: it imports the layers below it, not agent, cli, main or other presenters"',
      'src/agent/agent.ts imports src/cli/run-cli.ts: against the rule "agent composes everything but cli and main"',
      'src/build-info.ts imports src/api/api-deps.ts: against the rule "build-info is imported by anyone, so it imports nothing"',
      "src/gadgets/thing.ts imports src/platform/x.ts: src/gadgets is not in the layer map; add it to LAYER_RULES in test/architecture/layer-rules.ts and to the Layering section of docs/ARCHITECTURE.md",
    ]);
  });
});
