import { posix } from "node:path";

/**
 * The layering of src/ (docs/ARCHITECTURE.md, "Layering") as data, and the check that every
 * relative import follows it. A layer is a top folder of src/, or one of the two top-level
 * files. Each layer lists the layers it may import; importing inside one's own layer is always
 * allowed. Widen a rule here only together with the docs.
 */

/** The lower group: probes and what feeds or records them; nothing above events. */
const LOWER_GROUP = ["probes", "checkers", "collectors", "config", "metrics", "store"] as const;
/** Everything an API, a notifier or a UI may read: all but the composition root and the CLI. */
const BELOW_PRESENTERS = ["platform", "events", "membership", "cluster", ...LOWER_GROUP, "kube", "nethealth", "kv"] as const;

/** The API and what presents or sends: each imports what is below, none imports another. */
const PRESENTERS = ["api", "notify", "ui", "kube-writeback", "dns", "intake", "remote-exec", "generators"] as const;

export const LAYER_RULES: Readonly<Record<string, { mayImport: readonly string[]; rule: string }>> = {
  platform: { mayImport: [], rule: "platform imports nothing of the project" },
  events: { mayImport: ["platform"], rule: "events imports only platform" },
  membership: { mayImport: ["platform"], rule: "membership imports only platform" },
  cluster: { mayImport: ["membership", "events", "platform"], rule: "cluster imports only membership, events and platform" },
  probes: lowerGroupRule("probes"),
  collectors: lowerGroupRule("collectors"),
  checkers: { ...lowerGroupRule("checkers"), mayImport: ["platform", "events", ...LOWER_GROUP, "kube", "nethealth"] },
  kube: lowerGroupRule("kube"),
  nethealth: { mayImport: ["platform", "config", "metrics", "kube"], rule: "nethealth (the pod-network echo mode) imports only platform, config, metrics and kube" },
  kv: { mayImport: ["platform", "events", "membership", "cluster", "store"], rule: "kv (the key-value store) imports only platform, events, membership, cluster and store" },
  config: lowerGroupRule("config"),
  metrics: lowerGroupRule("metrics"),
  store: lowerGroupRule("store"),
  api: presenterRule("api"),
  notify: presenterRule("notify"),
  ui: presenterRule("ui"),
  "kube-writeback": presenterRule("kube-writeback"),
  dns: presenterRule("dns"),
  intake: presenterRule("intake"),
  generators: presenterRule("generators"),
  "remote-exec": presenterRule("remote-exec"),
  agent: {
    mayImport: [...BELOW_PRESENTERS, ...PRESENTERS],
    rule: "agent composes everything but cli and main",
  },
  cli: { mayImport: [...BELOW_PRESENTERS, ...PRESENTERS, "agent"], rule: "cli imports anything but main" },
  main: { mayImport: [...BELOW_PRESENTERS, ...PRESENTERS, "agent", "cli"], rule: "main is on top" },
  "build-info": { mayImport: [], rule: "build-info is imported by anyone, so it imports nothing" },
  // The public library surface: it may import anything; no other layer lists it, so nothing in src imports it.
  lib: { mayImport: [...BELOW_PRESENTERS, ...PRESENTERS, "agent", "cli"], rule: "lib (the public library surface) imports anything but main; nothing in src imports lib" },
};

function lowerGroupRule(layer: string): { mayImport: readonly string[]; rule: string } {
  return {
    mayImport: ["platform", "events", ...LOWER_GROUP],
    rule: `${layer} imports nothing above events: only platform, events, ${LOWER_GROUP.join(", ")} (checkers also kube)`,
  };
}

function presenterRule(layer: string): { mayImport: readonly string[]; rule: string } {
  return { mayImport: BELOW_PRESENTERS, rule: `${layer} presents or sends: it imports the layers below it, not agent, cli, main or other presenters` };
}

/** Imported by anyone (version facts); it imports nothing itself. */
const EVERYONE_MAY_IMPORT = "build-info";

export interface SourceFile {
  /** Relative to the repository root, with forward slashes: `src/cluster/serf.ts`. */
  path: string;
  text: string;
}

export interface ImportViolation {
  file: string;
  imports: string;
  message: string;
}

/** `src/cluster/serf.ts` -> `cluster`; `src/main.ts` -> `main`; undefined outside src/. */
export function layerOf(path: string): string | undefined {
  const parts = path.split("/");
  if (parts[0] !== "src" || parts.length < 2) return undefined;
  if (parts.length === 2) return parts[1]?.replace(/\.ts$/, "");
  return parts[1];
}

/**
 * Relative specifiers of static imports and re-exports (`import ... from`, `import "..."`,
 * `export ... from`, including `import type`) and of dynamic `import("...")`. Package imports
 * are not layering and are left out. Comments are stripped first so prose cannot match.
 */
export function relativeImports(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const found: string[] = [];
  const patterns = [
    /\b(?:import|export)\s[^;'"`]*?\bfrom\s*["']([^"']+)["']/g,
    /\bimport\s*["']([^"']+)["']/g,
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
  ];
  for (const pattern of patterns) {
    for (const match of code.matchAll(pattern)) {
      const specifier = match[1];
      if (specifier !== undefined && specifier.startsWith(".")) found.push(specifier);
    }
  }
  return found;
}

/** Every import of `files` that goes against LAYER_RULES, with the file, the target and the rule. */
export function findLayerViolations(files: readonly SourceFile[]): ImportViolation[] {
  const violations: ImportViolation[] = [];
  for (const file of files) {
    const from = layerOf(file.path);
    if (from === undefined) continue;
    for (const specifier of relativeImports(file.text)) {
      const target = posix.normalize(posix.join(posix.dirname(file.path), specifier));
      const to = layerOf(target);
      if (to === undefined || to === from) continue;
      const message = disallowedBecause(from, to);
      if (message !== undefined) violations.push({ file: file.path, imports: target, message: `${file.path} imports ${target}: ${message}` });
    }
  }
  return violations;
}

function disallowedBecause(from: string, to: string): string | undefined {
  const rule = LAYER_RULES[from];
  if (rule === undefined) return unmapped(from);
  if (LAYER_RULES[to] === undefined) return unmapped(to);
  if (to === EVERYONE_MAY_IMPORT) return undefined;
  return rule.mayImport.includes(to) ? undefined : `against the rule "${rule.rule}"`;
}

function unmapped(layer: string): string {
  return `src/${layer} is not in the layer map; add it to LAYER_RULES in test/architecture/layer-rules.ts and to the Layering section of docs/ARCHITECTURE.md`;
}
