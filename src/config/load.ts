import { resolve } from "node:path";
import type { CheckSpec } from "../probes/check-spec.ts";
import type { CheckerKind } from "../probes/checker.ts";
import { describeError, SatelliteError } from "../platform/errors.ts";
import { loadYaml } from "../platform/yaml-package.ts";
import { resolveApiTokenFile } from "./api-token-file.ts";
import { resolveEncryptFile } from "./encrypt-file.ts";
import { validateChecks, type ValidatedCheck } from "./check-validation.ts";
import { ConfigError, formatKeyPath, type ConfigProblem } from "./config-error.ts";
import { parseDurationMs } from "./duration.ts";
import { resolveGenerators, templateBaseDir, type GeneratorConfig } from "./generator-templates.ts";
import { agentConfigSchema, type ParsedAgentConfig } from "./schema.ts";
import { describeSource, layerConfig, type FlagValue } from "./sources.ts";
import { findUnsafeKey } from "./unsafe-keys.ts";

/** A config file larger than this is refused: real ones are a few KiB, and it bounds what parsing may cost. */
export const CONFIG_FILE_BYTES_MAX = 1 << 20;

/** The agent's configuration after validation, with derived values resolved. */
export interface AgentConfig extends Omit<ParsedAgentConfig, "checks" | "name" | "generators"> {
  name: string;
  retentionMs: number;
  sampleRetentionMs: number;
  eventHandlerTimeoutMs: number;
  /** Checks from the config file, validated against the registry. */
  checks: ValidatedCheck[];
  /** Generators with their templates read and compiled. */
  generators: GeneratorConfig[];
}

export interface LoadConfigInput {
  /** Only the flags the operator typed, keyed by flag name (rpc-addr); a repeated flag gives every value. */
  flags: Record<string, FlagValue>;
  env: Record<string, string | undefined>;
  /** Reads a regular file of at most `bytesMax` bytes; throws naming the file otherwise (never blocks on a FIFO). */
  readFile: (path: string, bytesMax: number) => string;
  hostname: () => string;
  /** Relative paths (the state dir) are resolved against this, once, so checks and stores get absolute paths. */
  cwd: string;
  findKind: (kind: string) => CheckerKind<any> | undefined;
  kindNames: readonly string[];
}

/** Loads flags + env + file, validates everything, and throws ConfigError listing every problem. */
export function loadAgentConfig(input: LoadConfigInput): AgentConfig {
  return completeAgentConfig(readAgentConfig(input), input.findKind, input.kindNames);
}

/** Where a kind's code comes from when it is loaded on first use (src/checkers/kind-catalog.ts). */
export interface LoadableKinds {
  readonly names: readonly string[];
  load(kinds: Iterable<string>): Promise<void>;
  find(kind: string): CheckerKind<any> | undefined;
}

/**
 * As loadAgentConfig, with the code of the kinds the configured checks name loaded before they
 * are validated: an agent loads only the kinds it runs. Same problems, same messages.
 */
export async function loadAgentConfigLoadingKinds(input: Omit<LoadConfigInput, "findKind" | "kindNames">, kinds: LoadableKinds): Promise<AgentConfig> {
  const read = readAgentConfig(input);
  await kinds.load((read.config.checks as CheckSpec[]).map((check) => check.kind));
  return completeAgentConfig(read, (kind) => kinds.find(kind), kinds.names);
}

/** The config parsed against the schema, before its checks are validated against their kinds. */
interface ReadConfig {
  input: Omit<LoadConfigInput, "findKind" | "kindNames">;
  config: ParsedAgentConfig;
  layered: ReturnType<typeof layerConfig>;
  file: { path: string } | undefined;
}

function readAgentConfig(input: Omit<LoadConfigInput, "findKind" | "kindNames">): ReadConfig {
  const configPath = typeof input.flags.config === "string" ? input.flags.config : input.env.SATELLITE_CONFIG;
  const file = configPath ? { path: configPath, values: readConfigFile(configPath, input.readFile) } : undefined;
  const layered = layerConfig(input.flags, input.env, file);
  resolveApiTokenFile(layered, input.readFile);
  resolveEncryptFile(layered, input.readFile);
  const unsafe = findUnsafeKey(layered.raw);
  if (unsafe) {
    const topKey = String(unsafe.path[0] ?? "");
    throw new ConfigError([{ source: describeSource(layered.sources.get(topKey) ?? { kind: "default" }), path: formatKeyPath(unsafe.path), message: unsafe.message }]);
  }
  // Parsed once per start: zod's compiled fast path costs more to generate than it saves here
  // (about 10 ms of CPU and 150 KiB at start, docs/performance.md). The schema is built for this
  // parse and dropped with it, so its megabytes of zod objects are not kept for the agent's life.
  const parsed = agentConfigSchema().safeParse(layered.raw, { jitless: true });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue): ConfigProblem => {
      const topKey = issue.code === "unrecognized_keys" ? undefined : String(issue.path[0] ?? "");
      const source = topKey === undefined ? (file ? describeSource({ kind: "file", path: file.path }) : "configuration") : describeSource(layered.sources.get(topKey) ?? { kind: "default" });
      const message =
        issue.code === "unrecognized_keys"
          ? `unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(", ")}; see docs/configuration.md for the keys`
          : issue.message;
      return { source, path: formatKeyPath(issue.path), message };
    });
    throw new ConfigError(problems);
  }
  return { input, config: parsed.data, layered, file };
}

function completeAgentConfig({ input, config, layered, file }: ReadConfig, findKind: LoadConfigInput["findKind"], kindNames: readonly string[]): AgentConfig {
  const checkSource = describeSource(layered.sources.get("checks") ?? { kind: "default" });
  const { checks, problems } = validateChecks(config.checks as CheckSpec[], findKind, kindNames, checkSource, "checks");
  const generatorSource = describeSource(layered.sources.get("generators") ?? { kind: "default" });
  const generators = resolveGenerators(config.generators, input.readFile, templateBaseDir(file?.path, input.cwd), generatorSource);
  problems.push(...generators.problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    ...config,
    name: config.name ?? input.hostname(),
    stateDir: resolve(input.cwd, config.stateDir),
    retentionMs: parseDurationMs(config.retention) ?? 0,
    eventHandlerTimeoutMs: parseDurationMs(config.eventHandlerTimeout) ?? 0,
    sampleRetentionMs: Math.min(parseDurationMs(config.sampleRetention) ?? 0, parseDurationMs(config.retention) ?? 0),
    checks,
    generators: generators.generators,
  };
}

function readConfigFile(path: string, readFile: LoadConfigInput["readFile"]): Record<string, unknown> {
  let text: string;
  try {
    text = readFile(path, CONFIG_FILE_BYTES_MAX);
  } catch (error) {
    const hint = error instanceof SatelliteError && error.hint ? `; ${error.hint}` : "";
    throw new ConfigError([{ source: `config file ${path}`, path: "", message: `cannot read it: ${describeError(error)}${hint}` }]);
  }
  let value: unknown;
  try {
    value = path.endsWith(".json") ? JSON.parse(text) : loadYaml().parse(text);
  } catch (error) {
    throw new ConfigError([{ source: `config file ${path}`, path: "", message: `not valid ${path.endsWith(".json") ? "JSON" : "YAML"}: ${describeError(error).split("\n")[0]}` }]);
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new ConfigError([{ source: `config file ${path}`, path: "", message: "expected a mapping of keys (rpcAddr, tags, checks, ...) at the top level" }]);
  }
  // Checked before the values are copied anywhere: copying is what would apply a `__proto__`.
  const unsafe = findUnsafeKey(value);
  if (unsafe) throw new ConfigError([{ source: `config file ${path}`, path: formatKeyPath(unsafe.path), message: unsafe.message }]);
  return value as Record<string, unknown>;
}
