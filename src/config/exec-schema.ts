import { z } from "zod";
import { formatDurationMs, parseDurationMs } from "./duration.ts";

/** Patterns a node may list; each is checked against every request, so the list stays short. */
export const EXEC_ALLOW_PATTERNS_MAX = 64;
/** Characters of one pattern. */
export const EXEC_ALLOW_PATTERN_CHARS_MAX = 256;
const TIMEOUT_MS_MIN = 100;
const TIMEOUT_MS_MAX = 600_000;
const OUTPUT_BYTES_MAX = 1 << 20;

/**
 * Why an allowlist pattern cannot be used, or undefined when it is valid. The matching itself
 * is remote-exec/exec-allowlist.ts; docs/exec.md describes both.
 */
export function allowPatternProblem(pattern: string): string | undefined {
  if (pattern.length > EXEC_ALLOW_PATTERN_CHARS_MAX) return `a pattern has at most ${EXEC_ALLOW_PATTERN_CHARS_MAX} characters`;
  if (/[\u0000-\u001f\u007f]/.test(pattern)) return "a pattern has no control characters (tabs and newlines included)";
  const program = pattern.split(" ").find((word) => word !== "");
  if (program === undefined) return 'a pattern names a program first, e.g. "uptime" or "systemctl status *"';
  if (program.includes("*")) return `the program "${program}" must be written out: "*" is allowed in its arguments only`;
  return undefined;
}

const allowPattern = () =>
  z.string().superRefine((value, ctx) => {
    const problem = allowPatternProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

const timeout = () =>
  z
    .string()
    .max(32)
    .refine((text) => {
      const ms = parseDurationMs(text);
      return ms !== undefined && ms >= TIMEOUT_MS_MIN && ms <= TIMEOUT_MS_MAX;
    }, `expected a timeout from ${formatDurationMs(TIMEOUT_MS_MIN)} to ${formatDurationMs(TIMEOUT_MS_MAX)}, e.g. 10s`);

/**
 * The `exec` section (docs/exec.md): whether this node runs remote exec requests, and which.
 * Off by default; on, it runs only what `allow` lists, and only for requests signed with this
 * cluster's gossip key or API token.
 */
export function execSchema() {
  return z.strictObject({
    enabled: z.boolean().default(false),
    /** Commands this node runs, as argv patterns (docs/exec.md, "Allowlist"). */
    allow: z.array(allowPattern()).max(EXEC_ALLOW_PATTERNS_MAX).default([]),
    /** The longest a command runs here before its process tree is killed; a request may ask for less. */
    timeout: timeout().default("10s"),
    /** Bytes of stdout and of stderr read from a command; the answer carries what fits serf's response limit. */
    outputBytesMax: z.number().int().min(0).max(OUTPUT_BYTES_MAX).default(4096),
  });
}

export type ExecConfig = z.output<ReturnType<typeof execSchema>>;

/**
 * What execSchema() makes of an absent section, without building it: the agent's config takes
 * this when it has no `exec` (test/config/schema-sections-on-demand.test.ts keeps the two equal).
 */
export function execDefaults(): ExecConfig {
  return { enabled: false, allow: [], timeout: "10s", outputBytesMax: 4096 };
}
