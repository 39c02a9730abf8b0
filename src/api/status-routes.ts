import { Hono, type Context, type MiddlewareHandler, type TypedResponse } from "hono";
import { acceptsGzip } from "../platform/accept-encoding.ts";
import { eventLoopTurn } from "../platform/event-loop-turn.ts";
import { loadZlib } from "../platform/zlib-package.ts";
import { omitEmpty, type ClusterStatusJson } from "../cluster/status-json.ts";
import { statusCacheLifetimeMs } from "./status-cache-lifetime.ts";
import { encodeStatusInSlices } from "./status-json-slices.ts";
import type { ApiBindings, ApiDeps } from "./api-deps.ts";

interface RenderedStatus {
  atMs: number;
  /** How long it is served (status-cache-lifetime.ts: longer when it took long to encode). */
  lifetimeMs: number;
  /** UTF-8 of the JSON text. */
  body: Uint8Array<ArrayBuffer>;
  /** The body gzipped, made for the first client of this render that accepts it. */
  gzipped?: Uint8Array<ArrayBuffer>;
  code: 200 | 503;
}

/**
 * Bodies at least this large go gzipped to clients that accept it: a 200-node status with full
 * probe lists is about 700 KiB of JSON and 45 KiB gzipped, and sending it, not rendering it, is
 * what a burst of clients costs (and what a dashboard over a slow link waits for).
 */
const GZIP_MIN_BYTES = 1024;
/** The fastest level: under 1 ms for 700 KiB, on the event loop, once per render. */
const GZIP_LEVEL = 1;

const utf8 = new TextEncoder();

/**
 * A request that finds the next render under way gets the last one if it expired less than this
 * long ago, instead of waiting behind the render; a later request waits for the fresh one.
 */
const STALE_WHILE_RENDERING_MS = 1000;

/** The pre-rendered JSON text of a ClusterStatusJson, typed as such for Hono's client. */
type ClusterStatusResponse = Response & TypedResponse<ClusterStatusJson, 200 | 503, "json">;

/**
 * Declares /status's parameters for Hono's client without enforcing anything: `details` and
 * `always200` are flags (present or not), and other parameters (cache busters of monitoring
 * tools) are ignored.
 */
const statusQuery: MiddlewareHandler<ApiBindings, string, { in: { query: { details?: string; always200?: string } } }> = async (_c, next) => next();

/**
 * GET / and /status (the cluster), GET /local (this node): 200 when running, 503 otherwise.
 * The rendered cluster status is reused for `deps.statusCacheMs` (longer for a view that is slow
 * to encode: status-cache-lifetime.ts), so a burst of requests
 * (dashboards, load balancers, scripts polling every node) costs one render, not one each;
 * the request that finds it expired renders, and requests that come while that render is under
 * way get the last render (expired less than a second ago) rather than waiting, or else wait for
 * that render instead of starting their own (16 clients would otherwise render a 200-node view
 * 16 times at once). A large view is encoded in slices with turns of the event loop between them
 * (status-json-slices.ts), so no request waits behind one long encode.
 * A large body goes gzipped to clients that accept it, compressed once per render.
 */
export function statusRoutes(deps: ApiDeps) {
  const cacheMs = deps.statusCacheMs ?? 0;
  const cache = new Map<boolean, RenderedStatus>();
  const inflight = new Map<boolean, Promise<RenderedStatus>>();
  const renderNow = async (details: boolean, atMs: number): Promise<RenderedStatus> => {
    const status: ClusterStatusJson = await deps.status.cluster({ details });
    // Encoded once: every request served from the cache sends the same bytes.
    const encoded = await encodeStatusInSlices(status, eventLoopTurn, () => deps.clock.monotonicMs());
    const body = utf8.encode(encoded.text);
    const lifetimeMs = statusCacheLifetimeMs(cacheMs, encoded.busyMs);
    return { atMs, lifetimeMs, body, code: status.status === "running" ? 200 : 503 };
  };
  const render = (details: boolean): Promise<RenderedStatus> => {
    const now = deps.clock.monotonicMs();
    if (cacheMs <= 0) return renderNow(details, now);
    const cached = cache.get(details);
    if (cached && now - cached.atMs < cached.lifetimeMs) return Promise.resolve(cached);
    const pending = inflight.get(details);
    if (pending) return cached && now - cached.atMs < cached.lifetimeMs + STALE_WHILE_RENDERING_MS ? Promise.resolve(cached) : pending;
    // A failed render is not kept: the next request tries again.
    const rendering = renderNow(details, now)
      .then((rendered) => {
        cache.set(details, rendered);
        return rendered;
      })
      .finally(() => inflight.delete(details));
    inflight.set(details, rendering);
    return rendering;
  };
  const cluster = async (c: Context<ApiBindings>): Promise<ClusterStatusResponse> => {
    const rendered = await render(c.req.query("details") !== undefined);
    // The dashboard reads the verdict from the body: a 503 would be logged by the browser as an error on every refresh.
    const code = c.req.query("always200") !== undefined ? 200 : rendered.code;
    // The body is JSON.stringify of a ClusterStatusJson (omitEmpty drops only empty fields).
    if (rendered.body.byteLength >= GZIP_MIN_BYTES && acceptsGzip(c.req.header("accept-encoding"))) {
      rendered.gzipped ??= new Uint8Array(loadZlib().gzipSync(rendered.body, { level: GZIP_LEVEL }));
      return c.body(rendered.gzipped, code, { "content-type": "application/json", "content-encoding": "gzip", vary: "Accept-Encoding" }) as unknown as ClusterStatusResponse;
    }
    return c.body(rendered.body, code, { "content-type": "application/json", vary: "Accept-Encoding" }) as unknown as ClusterStatusResponse;
  };
  return new Hono<ApiBindings>()
    .get("/", statusQuery, (c) => cluster(c))
    .get("/status", statusQuery, (c) => cluster(c))
    .get("/local", (c) => {
      const local = deps.status.local();
      return c.json(omitEmpty(local), local.status === "running" ? 200 : 503);
    })
    .get("/version", (c) => c.json(deps.version, 200));
}
