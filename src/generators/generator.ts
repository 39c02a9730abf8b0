import type { GeneratorConfig } from "../config/generator-templates.ts";
import type { Clock } from "../platform/clock.ts";
import { describeError, SatelliteError } from "../platform/errors.ts";
import type { Exec } from "../platform/exec.ts";
import type { GeneratedFiles } from "../platform/generated-files.ts";
import type { Logger } from "../platform/logger.ts";
import { DebouncedCommand, type CommandRun } from "./debounced-command.ts";
import { fetchKvSnapshot } from "./kv-snapshot.ts";
import type { KvBackend } from "../kv/kv-backend.ts";
import { buildTemplateContext, type TemplateSource } from "./template-context.ts";
import { compileTemplate, type TemplateRenderer } from "./template-renderer.ts";

export interface GeneratorDeps {
  clock: Clock;
  exec: Exec;
  files: GeneratedFiles;
  logger: Logger;
  kv?: KvBackend;
}

/** One generator as GET /generators shows it (docs/api.md). */
export interface GeneratorView {
  name: string;
  template: string;
  target: string;
  command?: string;
  debounceMs: number;
  kvPrefixes: string[];
  renders: number;
  writes: number;
  lastRenderAtMs?: number;
  lastWriteAtMs?: number;
  /** The last render's or write's error; absent once one succeeded again. */
  lastError?: string;
  commandRuns: number;
  commandPending: boolean;
  lastCommand?: CommandRun;
}

/** What one render did, or (dry run) would do. */
export interface RenderOutcome {
  generator: string;
  target: string;
  ok: boolean;
  /** `written`, `unchanged`; a dry run says `would-write` or `unchanged`. */
  result?: "written" | "unchanged" | "would-write";
  /** The rendered text (dry run only). */
  content?: string;
  error?: string;
}

/**
 * Renders one template from the cluster view and the key-value store and keeps its target
 * current: written only when the text changed, the command run (debounced) after a write. A
 * failing render or write is kept as `lastError` and logged once per distinct error; the
 * target keeps its last good content.
 */
export class Generator {
  private readonly renderer: TemplateRenderer;
  private readonly command: DebouncedCommand | undefined;
  private readonly logger: Logger;
  private renders = 0;
  private writes = 0;
  private lastRenderAtMs: number | undefined;
  private lastWriteAtMs: number | undefined;
  private lastError: string | undefined;

  constructor(
    readonly config: GeneratorConfig,
    private readonly deps: GeneratorDeps,
  ) {
    this.logger = deps.logger.child({ generator: config.name });
    this.renderer = compileTemplate(config.templatePath, config.templateSource, deps.files);
    if (config.command !== undefined) {
      this.command = new DebouncedCommand({
        generator: config.name,
        target: config.target,
        command: config.command,
        debounceMs: config.debounceMs,
        timeoutMs: config.commandTimeoutMs,
        clock: deps.clock,
        exec: deps.exec,
        // Its lines carry the generator's name themselves.
        logger: deps.logger,
      });
    }
  }

  /** Renders, and unless `dryRun` writes the target when it changed. Never throws. */
  async render(source: TemplateSource, options: { dryRun?: boolean } = {}): Promise<RenderOutcome> {
    const { name, target, templatePath } = this.config;
    const outcome = (rest: Omit<RenderOutcome, "generator" | "target">): RenderOutcome => ({ generator: name, target, ...rest });
    let text: string;
    try {
      const snapshot = await fetchKvSnapshot(this.deps.kv, this.config.kvPrefixes);
      const rendered = this.renderer.render(buildTemplateContext(source, { name, target }, snapshot));
      if (!rendered.ok) {
        const line = rendered.line === undefined ? "" : `, line ${rendered.line}`;
        throw new Error(`template ${rendered.path}${line}: ${rendered.error}`);
      }
      text = rendered.text;
    } catch (error) {
      const message = `generator "${name}" (template ${templatePath}) did not render: ${describeError(error)}`;
      if (!options.dryRun) this.fail(message);
      return outcome({ ok: false, error: message });
    }
    if (options.dryRun) {
      if (this.deps.files.holds(target, text)) return outcome({ ok: true, result: "unchanged", content: text });
      try {
        this.deps.files.checkTarget(target);
      } catch (error) {
        return outcome({ ok: false, error: `generator "${name}" would not write ${target}: ${describeWithHint(error)}` });
      }
      return outcome({ ok: true, result: "would-write", content: text });
    }
    this.renders++;
    this.lastRenderAtMs = this.deps.clock.nowMs();
    let written: "written" | "unchanged";
    try {
      written = this.deps.files.writeIfChanged(target, text, this.config.mode);
    } catch (error) {
      const message = `generator "${name}" cannot write ${target}: ${describeWithHint(error)}`;
      this.fail(message);
      return outcome({ ok: false, error: message });
    }
    if (this.lastError !== undefined) this.logger.info("generator works again", { target });
    this.lastError = undefined;
    if (written === "written") {
      this.writes++;
      this.lastWriteAtMs = this.deps.clock.nowMs();
      this.logger.info("generated file written", { target, bytes: Buffer.byteLength(text, "utf8") });
      this.command?.changed();
    }
    return outcome({ ok: true, result: written });
  }

  view(): GeneratorView {
    const c = this.config;
    const view: GeneratorView = {
      name: c.name,
      template: c.templatePath,
      target: c.target,
      debounceMs: c.debounceMs,
      kvPrefixes: [...c.kvPrefixes],
      renders: this.renders,
      writes: this.writes,
      commandRuns: this.command?.runCount() ?? 0,
      commandPending: this.command?.pending() ?? false,
    };
    if (c.command !== undefined) view.command = c.command;
    if (this.lastRenderAtMs !== undefined) view.lastRenderAtMs = this.lastRenderAtMs;
    if (this.lastWriteAtMs !== undefined) view.lastWriteAtMs = this.lastWriteAtMs;
    if (this.lastError !== undefined) view.lastError = this.lastError;
    const lastCommand = this.command?.lastRun();
    if (lastCommand !== undefined) view.lastCommand = lastCommand;
    return view;
  }

  /** Resolves when no command run is underway. */
  idle(): Promise<void> {
    return this.command?.idle() ?? Promise.resolve();
  }

  stop(): Promise<void> {
    return this.command?.stop() ?? Promise.resolve();
  }

  private fail(message: string): void {
    // Once per distinct error: a broken template would otherwise log on every cluster change.
    if (message !== this.lastError) this.logger.error("generator failed; the target keeps its last content", { error: message });
    this.lastError = message;
  }
}

/** The error and, when it has one, what to do about it: the operator reads this in logs and `generate`. */
function describeWithHint(error: unknown): string {
  const hint = error instanceof SatelliteError ? error.hint : undefined;
  return hint ? `${describeError(error)} (${hint})` : describeError(error);
}
