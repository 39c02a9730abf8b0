import type { GeneratorConfig } from "../config/generator-templates.ts";
import type { AgentEvent, EventKind } from "../events/agent-event.ts";
import type { EventStream } from "../events/event-stream.ts";
import type { Timer } from "../platform/clock.ts";
import { assertNever } from "../platform/assert-never.ts";
import { Generator, type GeneratorDeps, type GeneratorView, type RenderOutcome } from "./generator.ts";
import type { TemplateSource } from "./template-context.ts";

/** Changes arriving within this long are rendered once (a partition heal announces many members at once). */
export const RENDER_SETTLE_MS = 200;
/**
 * Everything is rendered again this often even without an event: a member turning stale and a
 * key-value store that failed and recovered announce nothing. An unchanged file is not written.
 */
export const RESYNC_MS = 30_000;

export interface GeneratorSetOptions extends GeneratorDeps {
  generators: readonly GeneratorConfig[];
  events: EventStream;
  /** The cluster as the templates see it, read at each render. */
  source: () => TemplateSource;
}

export interface GeneratorSet {
  list(): GeneratorView[];
  /** Renders one generator now; undefined when no generator has that name. */
  render(name: string, options: { dryRun: boolean }): Promise<RenderOutcome | undefined>;
  /** Lines for /readyz: ok, with a warning while a generator or its command fails. */
  readiness(): { name: string; ok: boolean; message?: string }[];
  /** Resolves once no render and no command run is underway (tests). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/** Whether events of this kind can change what a template sees. */
export function kindChangesTemplates(kind: EventKind): boolean {
  switch (kind) {
    case "node":
    case "cluster":
      return true;
    case "probe":
    case "user":
    case "agent":
      return false;
    default:
      return assertNever(kind);
  }
}

/**
 * Every generator of the agent: renders all of them at start, after membership, health and
 * tag changes on the event stream, after key-value changes under their prefixes, and every
 * RESYNC_MS. Renders never overlap: a change during one renders everything once more after it.
 */
export function startGeneratorSet(options: GeneratorSetOptions): GeneratorSet {
  const { clock, events, kv } = options;
  const generators = options.generators.map((config) => new Generator(config, options));
  let settle: Timer | undefined;
  let rendering: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  const renderAll = (): void => {
    if (stopped) return;
    if (rendering) {
      again = true;
      return;
    }
    rendering = (async () => {
      for (const generator of generators) await generator.render(options.source());
    })().finally(() => {
      rendering = undefined;
      if (again) {
        again = false;
        schedule();
      }
    });
  };
  const schedule = (): void => {
    if (stopped || settle) return;
    settle = clock.setTimer(RENDER_SETTLE_MS, () => {
      settle = undefined;
      renderAll();
    });
  };

  const unsubscribe = events.subscribe("generators", (event: AgentEvent) => {
    if (kindChangesTemplates(event.kind)) schedule();
  });
  const prefixes = generators.flatMap((g) => g.config.kvPrefixes);
  const stopKv = kv && prefixes.length > 0 ? kv.onChange((change) => {
    if (prefixes.some((p) => change.key.startsWith(p))) schedule();
  }) : () => {};
  let resync = clock.setTimer(RESYNC_MS, function onResync() {
    renderAll();
    resync = clock.setTimer(RESYNC_MS, onResync);
  });
  renderAll();

  return {
    list: () => generators.map((g) => g.view()),
    async render(name, { dryRun }) {
      const generator = generators.find((g) => g.config.name === name);
      if (!generator) return undefined;
      // A forced render waits for one underway, so it never races the same target.
      while (rendering) await rendering;
      return generator.render(options.source(), { dryRun });
    },
    readiness: () =>
      generators.map((g) => {
        const view = g.view();
        const problems = [view.lastError, view.lastCommand && !view.lastCommand.ok ? `command ${JSON.stringify(view.command)} ${view.lastCommand.error ?? "failed"}` : undefined].filter((p): p is string => p !== undefined);
        return problems.length === 0 ? { name: `generator ${g.config.name}`, ok: true } : { name: `generator ${g.config.name}`, ok: true, message: problems.join("; ") };
      }),
    async idle() {
      while (rendering) await rendering;
      await Promise.all(generators.map((g) => g.idle()));
    },
    async stop() {
      stopped = true;
      settle?.cancel();
      resync.cancel();
      unsubscribe();
      stopKv();
      while (rendering) await rendering;
      await Promise.all(generators.map((g) => g.stop()));
    },
  };
}
