export { allowPatternProblem } from "../config/exec-schema.ts";

/**
 * The allowlist of remote exec (docs/exec.md, "Allowlist"): which argv a node runs. A pattern
 * is words separated by spaces, matched against the argv word by word, never through a shell:
 * - the first word names the program and is compared literally (no `*`): `uptime` matches
 *   argv[0] "uptime" only, not "/usr/bin/uptime";
 * - a word that is exactly `*` and the last of the pattern matches one or more remaining words;
 * - a word that is exactly `*` elsewhere matches exactly one word, whatever it is;
 * - in any other word, each `*` matches zero or more characters inside that one word
 *   (`--unit=*.service`); every other character is literal (no `?`, `[...]` or escapes);
 * - otherwise the argv must have exactly as many words as the pattern.
 * So `systemctl status *` allows `systemctl status kubelet` and `systemctl status a b`, but not
 * `systemctl status` nor `systemctl restart kubelet`; list `uptime` and `uptime *` to allow
 * uptime with and without arguments.
 */

export interface ExecAllowlist {
  /** The first pattern that allows the argv, or undefined when none does. */
  match(argv: readonly string[]): string | undefined;
}

/** Builds the matcher; patterns must have passed allowPatternProblem (the config schema checks it): a program word with `*` would never match. */
export function createExecAllowlist(patterns: readonly string[]): ExecAllowlist {
  const compiled = patterns.map((pattern) => ({ pattern, words: wordsOf(pattern) }));
  return {
    match(argv) {
      return compiled.find((c) => wordsMatch(c.words, argv))?.pattern;
    },
  };
}

function wordsOf(pattern: string): string[] {
  return pattern.split(" ").filter((word) => word !== "");
}

function wordsMatch(pattern: readonly string[], argv: readonly string[]): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const word = pattern[i] as string;
    const isLast = i === pattern.length - 1;
    if (word === "*" && isLast && i > 0) return argv.length > i;
    const arg = argv[i];
    if (arg === undefined) return false;
    if (i === 0 ? arg !== word : !wordMatches(word, arg)) return false;
  }
  return argv.length === pattern.length;
}

/** `*` matches any run of characters (also none) inside one word; everything else is literal. */
export function wordMatches(word: string, arg: string): boolean {
  if (word === "*") return true;
  const parts = word.split("*");
  if (parts.length === 1) return word === arg;
  const first = parts[0] as string;
  const last = parts[parts.length - 1] as string;
  if (arg.length < first.length + last.length || !arg.startsWith(first) || !arg.endsWith(last)) return false;
  // Greedy left to right over the middle parts: the earliest place of each leaves the most room for the rest.
  let at = first.length;
  const end = arg.length - last.length;
  for (const part of parts.slice(1, -1)) {
    const found = arg.indexOf(part, at);
    if (found < 0 || found + part.length > end) return false;
    at = found + part.length;
  }
  return true;
}
