import { createSseParser, type SseMessage } from "../../src/cli/sse-parser.ts";

/** Reads a text/event-stream response message by message (and as raw text, for comments). */
export function readSse(response: Response) {
  if (!response.body) throw new Error("the response has no body");
  const reader = response.body.getReader();
  const parser = createSseParser();
  const decoder = new TextDecoder();
  const pending: SseMessage[] = [];
  let raw = "";
  let ended = false;
  const readChunk = async (): Promise<void> => {
    const { done, value } = await reader.read();
    if (done) {
      ended = true;
      return;
    }
    const text = decoder.decode(value, { stream: true });
    raw += text;
    pending.push(...parser.feed(text));
  };
  return {
    /** The next `count` messages; throws when the stream ends first. */
    async next(count = 1): Promise<SseMessage[]> {
      while (pending.length < count) {
        if (ended) throw new Error(`the stream ended after ${pending.length} of ${count} messages; raw: ${raw}`);
        await readChunk();
      }
      return pending.splice(0, count);
    },
    /** Reads until the raw text contains `text` (after `from` characters). */
    async until(text: string, from = 0): Promise<string> {
      while (!raw.includes(text, from)) {
        if (ended) throw new Error(`the stream ended without ${JSON.stringify(text)}; raw: ${raw}`);
        await readChunk();
      }
      return raw;
    },
    /** Resolves true when the stream ends (reads and discards what comes before). */
    async ended(): Promise<boolean> {
      while (!ended) await readChunk();
      return true;
    },
    raw: () => raw,
    cancel: () => reader.cancel(),
  };
}
