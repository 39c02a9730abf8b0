/** One message of a text/event-stream, as the HTML standard's parser assembles it. */
export interface SseMessage {
  /** The `id:` of this message, when it carried one. */
  id?: string;
  /** `event:`; "message" when absent. */
  event: string;
  /** The `data:` lines joined with "\n". */
  data: string;
}

/** A line longer than this is not an agent's event (ProbeRun events are a few KiB): the stream is refused. */
export const SSE_LINE_CHARS_MAX = 1024 * 1024;

/**
 * Incremental text/event-stream parser: feed decoded text as it arrives, get the complete
 * messages. Comment lines (heartbeats) and `retry:` are skipped. Throws on a line longer than
 * SSE_LINE_CHARS_MAX, so a broken or hostile server cannot grow our memory without bound.
 */
export function createSseParser(): { feed(text: string): SseMessage[] } {
  let buffer = "";
  let id: string | undefined;
  let event = "";
  let data: string[] = [];
  let hasData = false;

  const takeLine = (line: string, out: SseMessage[]): void => {
    if (line === "") {
      if (hasData) out.push({ ...(id === undefined ? {} : { id }), event: event || "message", data: data.join("\n") });
      id = undefined;
      event = "";
      data = [];
      hasData = false;
      return;
    }
    if (line.startsWith(":")) return;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") {
      data.push(value);
      hasData = true;
    } else if (field === "event") event = value;
    else if (field === "id" && !value.includes("\u0000")) id = value;
  };

  return {
    feed(text) {
      buffer += text;
      const out: SseMessage[] = [];
      const lineEnd = /\r\n|\r|\n/g;
      let start = 0;
      for (let match = lineEnd.exec(buffer); match; match = lineEnd.exec(buffer)) {
        // A lone \r at the end may be the first half of \r\n: wait for more.
        if (match[0] === "\r" && match.index === buffer.length - 1) break;
        takeLine(buffer.slice(start, match.index), out);
        start = match.index + match[0].length;
      }
      buffer = buffer.slice(start);
      if (buffer.length > SSE_LINE_CHARS_MAX) throw new Error(`an event stream line is longer than ${SSE_LINE_CHARS_MAX} characters`);
      return out;
    },
  };
}
