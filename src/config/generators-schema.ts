import { isAbsolute } from "node:path";
import { z } from "zod";
import { CONFIG_BOUNDS as B } from "./bounds.ts";
import { formatDurationMs, parseDurationMs } from "./duration.ts";

/** Generators at most; each renders on every cluster change. */
export const GENERATORS_MAX = 32;
/** Key-value prefixes one generator may read; each is one list of at most 1000 entries. */
export const GENERATOR_KV_PREFIXES_MAX = 8;
export const GENERATOR_DEBOUNCE_DEFAULT = "2s";
export const GENERATOR_COMMAND_TIMEOUT_DEFAULT = "30s";

const boundedDuration = (minMs: number, maxMs: number, example: string) =>
  z.string().max(B.durationLengthMax).superRefine((value, ctx) => {
    const ms = parseDurationMs(value);
    if (ms === undefined) ctx.addIssue({ code: "custom", message: `"${value}" is not a duration; use e.g. ${example}` });
    else if (ms < minMs || ms > maxMs) ctx.addIssue({ code: "custom", message: `"${value}" is out of range: from ${formatDurationMs(minMs)} to ${formatDurationMs(maxMs)}` });
  });

/**
 * One `generators:` entry (docs/generators.md). `template` is a file (relative: to the config
 * file's directory), read and compiled when the configuration is loaded; `mode` is octal text,
 * since YAML 1.2 reads `0644` as the decimal 644.
 */
export function generatorSchema() {
  return z.strictObject({
    name: z.string().min(1).max(64).regex(/^[a-z0-9][a-z0-9._-]*$/i, "use letters, digits, '.', '_' or '-'"),
    template: z.string().min(1, "name the template file").max(B.pathLengthMax),
    target: z
      .string()
      .min(1)
      .max(B.pathLengthMax)
      .refine((path) => isAbsolute(path), "the target must be an absolute path, e.g. /etc/haproxy/haproxy.cfg")
      .refine((path) => !path.endsWith("/"), "the target names a file, not a directory"),
    /** Run through /bin/sh -c after the target changed (debounced); none: only the file is written. */
    command: z.string().min(1).max(B.pathLengthMax).optional(),
    debounce: boundedDuration(0, 3_600_000, "2s, 500ms, 1m").default(GENERATOR_DEBOUNCE_DEFAULT),
    commandTimeout: boundedDuration(100, 3_600_000, "30s, 2m").default(GENERATOR_COMMAND_TIMEOUT_DEFAULT),
    mode: z
      .string({ error: 'expected an octal file mode in quotes, e.g. "0644": YAML reads 0644 without quotes as the number 644' })
      .regex(/^0?[0-7]{3}$/, 'expected an octal file mode as text, e.g. "0644" or "0640"')
      .default("0644"),
    kvPrefixes: z
      .array(z.string().max(512))
      .max(GENERATOR_KV_PREFIXES_MAX, `at most ${GENERATOR_KV_PREFIXES_MAX} key-value prefixes per generator`)
      .default([]),
  });
}

export function generatorsSchema() {
  return z
    .array(generatorSchema())
    .max(GENERATORS_MAX, `at most ${GENERATORS_MAX} generators`)
    .superRefine((list, ctx) => {
      const names = new Map<string, number>();
      const targets = new Map<string, number>();
      list.forEach((g, index) => {
        const earlier = names.get(g.name);
        if (earlier !== undefined) ctx.addIssue({ code: "custom", path: [index, "name"], message: `duplicate generator name "${g.name}" (also generators[${earlier}]); names must be unique` });
        names.set(g.name, index);
        const sameTarget = targets.get(g.target);
        if (sameTarget !== undefined) ctx.addIssue({ code: "custom", path: [index, "target"], message: `generators[${sameTarget}] writes ${g.target} too; two generators would overwrite each other` });
        targets.set(g.target, index);
      });
    });
}

export type GeneratorEntry = z.output<ReturnType<typeof generatorSchema>>;
