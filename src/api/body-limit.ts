import type { MiddlewareHandler } from "hono";
import type { ApiBindings } from "./api-deps.ts";
import { jsonError } from "./json-error.ts";
import { isMutating } from "./mutation-guard.ts";

/** Every request body the API accepts is JSON of a few addresses or less. */
export const REQUEST_BODY_BYTES_MAX = 64 * 1024;

/**
 * Bounds every request body, like Go's http.MaxBytesReader: a declared Content-Length over
 * the bound is refused before anything is read, and the body actually streamed is counted
 * too (a missing or lying length, chunked encoding), reading stops at the bound. Over it: 413.
 * The body is then buffered (at most `bytesMax`), so handlers read it as usual.
 */
export function bodyLimit(bytesMax: number = REQUEST_BODY_BYTES_MAX): MiddlewareHandler<ApiBindings> {
  return async (c, next) => {
    const body = c.req.raw.body;
    // GET, HEAD and OPTIONS handlers never read a body.
    if (body === null || !isMutating(c.req.method)) return next();
    const tooLarge = () =>
      jsonError(c, 413, `request body is larger than ${bytesMax} bytes`, "the API takes small JSON bodies only; for POST /join send at most 64 addresses at a time");
    const declared = c.req.header("content-length");
    if (declared !== undefined) {
      if (!/^\d{1,15}$/.test(declared.trim())) return jsonError(c, 400, `Content-Length "${declared.slice(0, 32)}" is not a byte count`);
      if (Number(declared) > bytesMax) {
        await body.cancel().catch(() => {});
        return tooLarge();
      }
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    const reader = body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > bytesMax) {
        await reader.cancel().catch(() => {});
        return tooLarge();
      }
      chunks.push(value);
    }
    const buffered = new Uint8Array(size);
    let at = 0;
    for (const chunk of chunks) {
      buffered.set(chunk, at);
      at += chunk.byteLength;
    }
    c.req.raw = new Request(c.req.raw, { body: buffered });
    return next();
  };
}
