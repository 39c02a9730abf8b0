import type { HttpFetch, HttpRequest } from "../platform/http-fetch.ts";
import { capText, describeCause } from "./_outcome.ts";

/** Bytes of a response body read at most; the rest is cancelled. */
export const BODY_BYTES_MAX = 64 * 1024;

export interface HttpExchange {
  status: number;
  body: string;
  bodyTruncated: boolean;
  durationMs: number;
}

/** Reads at most `bytesMax` bytes of the body, then cancels the stream. */
export async function readBodyCapped(response: Response, bytesMax: number = BODY_BYTES_MAX): Promise<{ text: string; truncated: boolean }> {
  if (!response.body) return { text: "", truncated: false };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let kept = 0;
  let truncated = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const take = value.subarray(0, bytesMax - kept);
    chunks.push(take);
    kept += take.length;
    if (kept >= bytesMax) {
      // Do not wait for more: a streaming endpoint may never end. At exactly the limit this
      // says truncated when it might not be, which only affects a message.
      truncated = true;
      break;
    }
  }
  await reader.cancel().catch(() => undefined);
  const all = new Uint8Array(kept);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return { text: new TextDecoder().decode(all), truncated };
}

/** One request with a capped body; network errors and aborts reject (callers turn them into outcomes). */
export async function exchange(http: HttpFetch, request: HttpRequest, nowMs: () => number): Promise<HttpExchange> {
  const start = nowMs();
  const response = await http(request);
  const body = await readBodyCapped(response);
  return { status: response.status, body: body.text, bodyTruncated: body.truncated, durationMs: Math.round((nowMs() - start) * 100) / 100 };
}

/** A short quote of a body for error messages. */
export function quoteBody(body: string, bytesMax = 256): string {
  const oneLine = body.replace(/\s+/g, " ").trim();
  return oneLine === "" ? "(empty body)" : JSON.stringify(capText(oneLine, bytesMax));
}

export function describeHttpError(method: string, url: string, error: unknown): string {
  return `${method} ${url} failed: ${describeCause(error)}`;
}
