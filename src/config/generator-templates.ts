import { dirname, resolve } from "node:path";
import { describeError, SatelliteError } from "../platform/errors.ts";
import { lazyPackage } from "../platform/lazy-package.ts";
import { formatKeyPath, type ConfigProblem } from "./config-error.ts";
import { parseDurationMs } from "./duration.ts";
import type { GeneratorEntry } from "./generators-schema.ts";

/** The template engine, loaded when the first generator is compiled: an agent without generators never runs its code. */
export const loadNunjucks = lazyPackage("nunjucks", () => require("nunjucks") as typeof import("nunjucks"));

/** A template larger than this is refused: real ones are a few KiB. */
export const GENERATOR_TEMPLATE_BYTES_MAX = 256 * 1024;

/** A generator as the agent runs it: the template read and compiled once at load. */
export interface GeneratorConfig {
  name: string;
  /** Absolute; includes are looked up in its directory only. */
  templatePath: string;
  templateSource: string;
  target: string;
  command?: string;
  debounceMs: number;
  commandTimeoutMs: number;
  /** File mode of the target, e.g. 0o644. */
  mode: number;
  kvPrefixes: string[];
}

export interface TemplateCompileError {
  message: string;
  /** 1-based, when the template engine knows it. */
  line?: number;
}

/**
 * Compiles a template without rendering it: syntax errors (an unclosed tag, an unknown
 * statement) are found here; unknown filters and missing includes are render errors.
 */
export function compileTemplateSource(source: string, path: string): TemplateCompileError | undefined {
  try {
    // No loader: compiling never reads a file.
    const nunjucks = loadNunjucks();
    new nunjucks.Template(source, new nunjucks.Environment([], { autoescape: false }), path, true);
    return undefined;
  } catch (error) {
    return templateErrorOf(error, "compile");
  }
}

/**
 * nunjucks' error text is `(path) [Line N, Column M]\n  message`. Its parser counts lines from
 * 1, its runtime from 0 (and leaves line 0 out), so `phase` says which count to read.
 */
export function templateErrorOf(error: unknown, phase: "compile" | "render"): TemplateCompileError {
  const text = describeError(error);
  const position = /\[Line (\d+), Column \d+\]/.exec(text);
  const lines = text.split("\n").map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("("));
  const message = (lines[lines.length - 1] ?? text).replace(/^(Template render error: |Error: )+/, "");
  if (!position) return { message };
  const reported = Number(position[1]);
  return { message, line: phase === "compile" ? reported : reported + 1 };
}

/**
 * Reads and compiles every generator's template; a relative path is taken from `baseDir` (the
 * config file's directory). Problems name the generator's key path and the template's line.
 */
export function resolveGenerators(
  entries: readonly GeneratorEntry[],
  readFile: (path: string, bytesMax: number) => string,
  baseDir: string,
  source: string,
): { generators: GeneratorConfig[]; problems: ConfigProblem[] } {
  const generators: GeneratorConfig[] = [];
  const problems: ConfigProblem[] = [];
  entries.forEach((entry, index) => {
    const at = formatKeyPath(["generators", index, "template"]);
    const templatePath = resolve(baseDir, entry.template);
    let templateSource: string;
    try {
      templateSource = readFile(templatePath, GENERATOR_TEMPLATE_BYTES_MAX);
    } catch (error) {
      const hint = error instanceof SatelliteError && error.hint ? `; ${error.hint}` : "";
      problems.push({ source, path: at, message: `generator "${entry.name}": cannot read template ${templatePath}: ${describeError(error)}${hint}` });
      return;
    }
    const compileError = compileTemplateSource(templateSource, templatePath);
    if (compileError) {
      const line = compileError.line === undefined ? "" : `, line ${compileError.line}`;
      problems.push({ source, path: at, message: `generator "${entry.name}": template ${templatePath}${line}: ${compileError.message}` });
      return;
    }
    const generator: GeneratorConfig = {
      name: entry.name,
      templatePath,
      templateSource,
      target: entry.target,
      debounceMs: parseDurationMs(entry.debounce) ?? 0,
      commandTimeoutMs: parseDurationMs(entry.commandTimeout) ?? 0,
      mode: Number.parseInt(entry.mode, 8),
      kvPrefixes: [...entry.kvPrefixes],
    };
    if (entry.command !== undefined) generator.command = entry.command;
    generators.push(generator);
  });
  return { generators, problems };
}

/** The directory relative template paths start from: the config file's, else the working directory. */
export function templateBaseDir(configPath: string | undefined, cwd: string): string {
  return configPath === undefined ? cwd : dirname(resolve(cwd, configPath));
}
