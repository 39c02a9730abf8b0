import { AGENT_FLAGS, envNameOf, type AgentFlag } from "./agent-flags.ts";
import { assertNever } from "../platform/assert-never.ts";
import { splitTag } from "./tag-syntax.ts";

/** Where a configuration value came from, for error messages. */
export type ValueSource = { kind: "flag"; name: string } | { kind: "env"; name: string } | { kind: "file"; path: string } | { kind: "default" };

export function describeSource(source: ValueSource): string {
  switch (source.kind) {
    case "flag":
      return `flag --${source.name}`;
    case "env":
      return `environment variable ${source.name}`;
    case "file":
      return `config file ${source.path}`;
    case "default":
      return "built-in default";
    default:
      return assertNever(source, "value source");
  }
}

export interface LayeredConfig {
  raw: Record<string, unknown>;
  /** Source of each top-level key that was set. */
  sources: Map<string, ValueSource>;
}

/** What the CLI hands over for one flag: text, a switch, or every value of a repeated flag. */
export type FlagValue = string | boolean | readonly string[];

/** Turns one flag or env value (text, or the values of a repeated flag) into the typed raw value. */
export function convertFlagValue(flag: AgentFlag, given: FlagValue): unknown {
  if (flag.kind === "repeated") {
    const entries = typeof given === "object" ? [...given] : String(given).split(/\r?\n/);
    return entries.map((s) => s.trim()).filter((s) => s !== "");
  }
  // Only a repeated flag collects several values; for any other the last one given counts.
  const value = typeof given === "object" ? (given.at(-1) ?? "") : given;
  switch (flag.kind) {
    case "boolean":
      if (typeof value === "boolean") return value;
      if (/^(1|true|yes|on)$/i.test(value)) return true;
      if (/^(0|false|no|off|)$/i.test(value)) return false;
      return value; // left for the schema to reject with the flag's name
    case "list":
      return String(value)
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== "");
    case "tags":
      return parseTags(String(value));
    case "string":
      return String(value);
    default:
      return assertNever(flag.kind, "flag kind");
  }
}

/**
 * "role=master,zone:a" -> {role: "master", zone: "a"} (tag-syntax.ts); an entry without a value
 * becomes a key with an empty value, which the schema refuses naming it. The result has no
 * prototype, so a `__proto__` tag stays a key for validation to refuse.
 */
export function parseTags(text: string): Record<string, string> {
  const tags = Object.create(null) as Record<string, string>;
  for (const part of text.split(",")) {
    const entry = part.trim();
    if (entry === "") continue;
    const { key, value } = splitTag(entry);
    tags[key] = value;
  }
  return tags;
}

/**
 * Merges sources with precedence flags > env > file. `flags` holds only flags the operator
 * actually typed (keyed by flag name), so unset flags never hide env or file values.
 */
export function layerConfig(
  flags: Record<string, FlagValue>,
  env: Record<string, string | undefined>,
  file: { path: string; values: Record<string, unknown> } | undefined,
): LayeredConfig {
  // No prototype: every key, `__proto__` included, is an own key that validation sees.
  const raw = Object.create(null) as Record<string, unknown>;
  const sources = new Map<string, ValueSource>();
  if (file) {
    for (const [key, value] of Object.entries(file.values)) {
      raw[key] = value;
      sources.set(key, { kind: "file", path: file.path });
    }
  }
  for (const flag of AGENT_FLAGS) {
    const name = envNameOf(flag);
    const value = env[name];
    if (value === undefined || value === "") continue;
    setFlagKey(raw, flag.key, convertFlagValue(flag, value));
    sources.set(topKeyOf(flag.key), { kind: "env", name });
  }
  for (const flag of AGENT_FLAGS) {
    const value = flags[flag.flag];
    if (value === undefined) continue;
    setFlagKey(raw, flag.key, convertFlagValue(flag, value));
    sources.set(topKeyOf(flag.key), { kind: "flag", name: flag.flag });
  }
  return { raw, sources };
}

/** "kv.backend" -> "kv": the top-level key a flag's value lands under. */
function topKeyOf(key: string): string {
  return key.split(".")[0] ?? key;
}

/**
 * Sets a flag's value under its key; a dotted key ("kv.backend", "kv.etcd.endpoints") sets one
 * field of a section and keeps the section's other fields from the file (a section that is not
 * an object is replaced, so the schema names the flag's own value).
 */
function setFlagKey(raw: Record<string, unknown>, key: string, value: unknown): void {
  const path = key.split(".");
  let target = raw;
  for (const section of path.slice(0, -1)) {
    const current = target[section];
    const next = Object.create(null) as Record<string, unknown>;
    if (typeof current === "object" && current !== null && !Array.isArray(current)) Object.assign(next, current);
    target[section] = next;
    target = next;
  }
  target[path[path.length - 1] as string] = value;
}
