import { dirname } from "node:path";
import type { ILoader } from "nunjucks";
import { GENERATOR_TEMPLATE_BYTES_MAX, loadNunjucks, templateErrorOf } from "../config/generator-templates.ts";
import type { GeneratedFiles } from "../platform/generated-files.ts";
import type { TemplateContext } from "./template-context.ts";

/** A rendered file larger than this is refused (and nothing is written). */
export const RENDERED_BYTES_MAX = 4 * 1024 * 1024;
/** `range()` yields at most this many numbers: nunjucks cannot time a render out, so loops are bounded by their input. */
export const RANGE_ITEMS_MAX = 100_000;

export type RenderResult = { ok: true; text: string } | { ok: false; error: string; line?: number; path: string };

export interface TemplateRenderer {
  render(context: TemplateContext): RenderResult;
}

/**
 * A compiled template in a sandboxed nunjucks environment: includes, imports and extends read
 * files of the template's own directory only (GeneratedFiles.readInside), autoescape is off
 * (config files are not HTML), `range` is bounded, and the output is bounded. Rendering cannot
 * be interrupted, so what bounds its time is its input: the members gossip admits and the
 * bounded key-value snapshot.
 */
export function compileTemplate(templatePath: string, source: string, files: Pick<GeneratedFiles, "readInside">): TemplateRenderer {
  const dir = dirname(templatePath);
  const nunjucks = loadNunjucks();
  const loader: ILoader & { isRelative(name: string): boolean; resolve(from: string, to: string): string } = {
    getSource: (name: string) => ({ src: files.readInside(dir, name, GENERATOR_TEMPLATE_BYTES_MAX), path: name, noCache: false }),
    isRelative: (name: string) => name.startsWith("./") || name.startsWith("../"),
    resolve: (from: string, to: string) => `${dirname(from)}/${to}`,
  };
  const env = new nunjucks.Environment([loader], { autoescape: false, throwOnUndefined: false });
  env.addGlobal("range", boundedRange);
  const template = new nunjucks.Template(source, env, templatePath, true);
  return {
    render(context) {
      let text: string;
      try {
        text = template.render(context as unknown as object);
      } catch (error) {
        const parsed = templateErrorOf(error, "render");
        const result: RenderResult = { ok: false, error: parsed.message, path: innermostPath(error) ?? templatePath };
        if (parsed.line !== undefined) result.line = parsed.line;
        return result;
      }
      const bytes = Buffer.byteLength(text, "utf8");
      if (bytes > RENDERED_BYTES_MAX) return { ok: false, error: `the rendered file has ${bytes} bytes, over the limit of ${RENDERED_BYTES_MAX}`, path: templatePath };
      return { ok: true, text };
    },
  };
}

function boundedRange(start: number, stop?: number, step = 1): number[] {
  const [from, to] = stop === undefined ? [0, start] : [start, stop];
  if (typeof from !== "number" || typeof to !== "number" || typeof step !== "number" || step === 0 || !Number.isFinite(from + to + step)) {
    throw new Error("range(start, stop, step) takes finite numbers and a step other than 0");
  }
  const count = Math.max(0, Math.ceil((to - from) / step));
  if (count > RANGE_ITEMS_MAX) throw new Error(`range() of ${count} numbers is over the limit of ${RANGE_ITEMS_MAX}`);
  return Array.from({ length: count }, (_, i) => from + i * step);
}

/** The template an error happened in: nunjucks prefixes each level with `(path)`, the innermost last. */
function innermostPath(error: unknown): string | undefined {
  const text = error instanceof Error ? error.message : String(error);
  const found = [...text.matchAll(/\(([^()\n]+)\)(?: \[Line|\n|$)/g)].map((m) => m[1]);
  return found[found.length - 1];
}
