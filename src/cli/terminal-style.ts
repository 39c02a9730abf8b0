/**
 * Colour for what a person reads on a terminal: on when stdout is a terminal and NO_COLOR is
 * not set (no-color.org), off for pipes and files. Text that came from the network goes through
 * `plainText` first, so it never carries an escape sequence of its own to the terminal.
 */
export interface TerminalStyle {
  good(text: string): string;
  bad(text: string): string;
  warn(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

const SGR = { good: "32", bad: "31", warn: "33", dim: "2", bold: "1" } as const;

export function terminalStyle(options: { isTerminal: boolean; env: Record<string, string | undefined> }): TerminalStyle {
  const noColor = options.env.NO_COLOR !== undefined && options.env.NO_COLOR !== "";
  const on = options.isTerminal && !noColor;
  const paint = (code: string) => (text: string) => (on && text !== "" ? `\u001b[${code}m${text}\u001b[0m` : text);
  return { good: paint(SGR.good), bad: paint(SGR.bad), warn: paint(SGR.warn), dim: paint(SGR.dim), bold: paint(SGR.bold) };
}

/** The colour of a health word: running green, degraded / failed red, anything else dim. */
export function paintHealth(style: TerminalStyle, word: string): string {
  if (word === "running" || word === "alive" || word === "ok") return style.good(word);
  if (word === "degraded" || word === "failed") return style.bad(word);
  if (word === "warning" || word === "leaving" || word === "suspect") return style.warn(word);
  return style.dim(word);
}

/**
 * Like plainText, line by line: new lines and tabs stay (a message and its hint), every other
 * control character is escaped. For error messages, which may quote what the user typed or what
 * an agent answered.
 */
export function plainLines(text: string): string {
  return text
    .split("\n")
    .map((line) => line.split("\t").map(plainText).join("\t"))
    .join("\n");
}

/** C0, DEL, C1 and line separators as `\uXXXX`: a line stays one line, with no terminal escapes. */
export function plainText(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
