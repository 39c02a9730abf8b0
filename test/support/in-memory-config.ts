import { checkerKinds, findCheckerKind } from "../../src/checkers/all-kinds.ts";
import { ConfigError } from "../../src/config/config-error.ts";
import { loadAgentConfig, type AgentConfig, type LoadConfigInput } from "../../src/config/load.ts";

/** One read the loader made: the path and the size bound it asked for. */
export interface ConfigRead {
  path: string;
  bytesMax: number;
}

export interface InMemoryConfigInput extends Partial<LoadConfigInput> {
  /** The files the loader may read, by path; any other path fails as a missing file does. */
  files?: Record<string, string>;
  /** When given, every read is recorded here. */
  reads?: ConfigRead[];
}

/**
 * The agent's config loaded as `satellite agent` loads it (flags, environment, config file,
 * the built-in check kinds), from in-memory files on host "host-1" in /srv/satellite: no disk.
 * Anything in `input` replaces those defaults.
 */
export function loadConfigInMemory(input: InMemoryConfigInput = {}): AgentConfig {
  const { files = {}, reads, ...overrides } = input;
  return loadAgentConfig({
    flags: {},
    env: {},
    readFile: (path, bytesMax) => {
      reads?.push({ path, bytesMax });
      const text = files[path];
      if (text === undefined) throw new Error(`ENOENT: no such file or directory, open '${path}'`);
      return text;
    },
    hostname: () => "host-1",
    cwd: "/srv/satellite",
    findKind: (kind) => findCheckerKind(kind),
    kindNames: checkerKinds.map((k) => k.kind),
    ...overrides,
  });
}

/** The problems of the ConfigError `fn` throws, one per line as the operator reads them, without the bullet. */
export function configProblems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.message.split("\n").slice(1).map((l) => l.replace(/^  - /, ""));
    throw error;
  }
  throw new Error("expected a ConfigError");
}
