import { SatelliteError } from "../platform/errors.ts";

/** One thing wrong with the configuration: where, and what is allowed. */
export interface ConfigProblem {
  /** e.g. "config file /etc/satellite.yaml", "flag --tags". */
  source: string;
  /** Key path such as "checks[2].address"; empty for the whole source. */
  path: string;
  message: string;
}

export function formatProblem(problem: ConfigProblem): string {
  return problem.path === "" ? `${problem.source}: ${problem.message}` : `${problem.source}, key ${problem.path}: ${problem.message}`;
}

/** Invalid configuration; the CLI prints every problem and exits 2. */
export class ConfigError extends SatelliteError {
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    super("CONFIG_INVALID", `invalid configuration:\n${problems.map((p) => `  - ${formatProblem(p)}`).join("\n")}`, {
      hint: "fix the values above; `satellite help agent` lists every flag and docs/configuration.md every key",
    });
    this.problems = problems;
  }
}

/** "checks", 2, "address" -> "checks[2].address" */
export function formatKeyPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out;
}
