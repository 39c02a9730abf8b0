import type { GeneratorConfig } from "../../src/config/generator-templates.ts";
import type { MemberFacts } from "../../src/generators/template-context.ts";
import type { KvBackend, KvChange, KvEntry } from "../../src/kv/kv-backend.ts";
import type { Exec, ExecOptions, ExecResult } from "../../src/platform/exec.ts";

/** An Exec that records each run and answers with what the test set (exit 0 by default). */
export function recordingExec(): Exec & { runs: { argv: readonly string[]; options: ExecOptions }[]; next: Partial<ExecResult> } {
  const fake = {
    runs: [] as { argv: readonly string[]; options: ExecOptions }[],
    next: {} as Partial<ExecResult>,
    async run(argv: readonly string[], options: ExecOptions): Promise<ExecResult> {
      fake.runs.push({ argv, options });
      return { exitCode: 0, signalCode: null, stdout: "", stderr: "", truncated: false, aborted: false, ...fake.next };
    },
  };
  return fake;
}

/** A key-value store in memory: every put and delete is announced to onChange listeners. */
export function memoryKv(initial: Record<string, string> = {}): KvBackend & { set(key: string, value: string): void } {
  const entries = new Map<string, KvEntry>();
  const listeners = new Set<(change: KvChange) => void>();
  let version = 0;
  const set = (key: string, value: string) => {
    const entry = { key, value: new TextEncoder().encode(value), version: String(++version) };
    entries.set(key, entry);
    for (const l of listeners) l({ key, op: "put", version: entry.version });
  };
  for (const [k, v] of Object.entries(initial)) set(k, v);
  return {
    kind: "replicated",
    set,
    get: async (key) => entries.get(key),
    put: async (key, value) => {
      set(key, new TextDecoder().decode(value));
      return { version: String(version), acked: 1, replicas: 1 };
    },
    delete: async (key) => {
      entries.delete(key);
      for (const l of listeners) l({ key, op: "delete", version: String(++version) });
      return { version: String(version), acked: 1, replicas: 1 };
    },
    list: async (prefix, limit = 1000) => {
      const all = [...entries.values()].filter((e) => e.key.startsWith(prefix)).sort((a, b) => (a.key < b.key ? -1 : 1));
      return { entries: all.slice(0, limit), truncated: all.length > limit };
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    health: () => ({ kind: "replicated", problems: [] }),
    close: async () => {},
  };
}

export function member(name: string, addr: string, options: { status?: MemberFacts["memberStatus"]; role?: string; health?: "running" | "degraded"; tags?: Record<string, string> } = {}): MemberFacts {
  const tags = { role: options.role ?? "node", ...options.tags };
  return {
    name,
    memberStatus: options.status ?? "alive",
    tags,
    nodeStatus: options.health ?? "running",
    runsSatellite: true,
    stale: false,
    member: { name, addr, port: 7946, tags, status: options.status ?? "alive" },
  };
}

export function generatorConfig(overrides: Partial<GeneratorConfig> = {}): GeneratorConfig {
  return {
    name: "lb",
    templatePath: "/etc/satellite/templates/lb.njk",
    templateSource: "{% for m in members %}{{ m.name }} {{ m.address }}\n{% endfor %}",
    target: "/etc/lb/backends.cfg",
    command: "reload-lb",
    debounceMs: 2000,
    commandTimeoutMs: 30_000,
    mode: 0o644,
    kvPrefixes: [],
    ...overrides,
  };
}
