import { Hono } from "hono";
import type { ApiBindings, ApiDeps } from "./api-deps.ts";
import { jsonError } from "./json-error.ts";
import { queryInput } from "./query-input.ts";

/** The last run of a generator's command, as GET /generators shows it. */
export interface GeneratorCommandRunView {
  atMs: number;
  durationMs: number;
  exitCode: number | null;
  ok: boolean;
  error?: string;
  output: string;
}

/** One generator as GET /generators shows it (docs/generators.md, docs/api.md). */
export interface GeneratorListing {
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
  lastError?: string;
  commandRuns: number;
  commandPending: boolean;
  lastCommand?: GeneratorCommandRunView;
}

/** What a render did, or (dry run) would do. */
export interface GeneratorRenderAnswer {
  generator: string;
  target: string;
  ok: boolean;
  result?: "written" | "unchanged" | "would-write";
  content?: string;
  error?: string;
}

/** The agent's generators (generators/generator-set.ts). */
export interface GeneratorsSource {
  list(): GeneratorListing[];
  /** Undefined when no generator has that name. */
  render(name: string, options: { dryRun: boolean }): Promise<GeneratorRenderAnswer | undefined>;
}

function parseDryRun(params: { dryRun?: string }): { ok: true; value: { dryRun: boolean } } | { ok: false; error: string } {
  const text = params.dryRun;
  if (text === undefined || text === "0" || text === "false") return { ok: true, value: { dryRun: false } };
  if (text === "" || text === "1" || text === "true") return { ok: true, value: { dryRun: true } };
  return { ok: false, error: "dryRun must be 1, true, 0 or false" };
}

const NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/i;

/**
 * GET /generators: each generator with its last render, write, error and command run.
 * POST /generators/:name/render (mutating: createApp's guard decides who may; `?dryRun=1` only
 * renders, but the answer holds the file and key-value data, so it is guarded the same way):
 * 200 with what it did, 422 when the template or the write failed, 404 for an unknown name.
 */
export function generatorsRoutes(deps: ApiDeps) {
  return new Hono<ApiBindings>()
    .get("/generators", (c) => c.json({ generators: deps.generators?.list() ?? [] }, 200))
    .post("/generators/:name/render", queryInput<{ dryRun?: string }, { dryRun: boolean }>(["dryRun"], parseDryRun), async (c) => {
      const name = c.req.param("name");
      if (!NAME.test(name)) return jsonError(c, 400, "a generator name is 1 to 64 letters, digits, '.', '_' or '-'", "`satellite generate` without a name lists them");
      const { dryRun } = c.req.valid("query");
      const answer = await deps.generators?.render(name, { dryRun });
      if (!answer) return jsonError(c, 404, `no generator named "${name}"`, "`satellite generate` without a name lists the configured generators");
      return c.json(answer, answer.ok ? 200 : 422);
    });
}
