import { Hono, type Context } from "hono";
import { UI_SECURITY_HEADERS } from "./security-headers.ts";
import { UI_INDEX, type UiAsset, type UiAssetSet } from "./ui-assets.ts";
import { acceptsGzip } from "../platform/accept-encoding.ts";

/** Where the dashboard is served; `GET /` from a browser is sent here (api/browser-redirect.ts). */
export const UI_PATH = "/ui/";

/** Longest asset name looked up; anything longer is not ours. */
const NAME_LENGTH_MAX = 128;

/**
 * GET /ui/ (the page) and /ui/NAME (its scripts, styles, icon), from the files built into the
 * executable. `load` runs once, on the first request; it answers undefined when this build has
 * no dashboard, and then every /ui/ request is a 503 that says how to build one.
 * Responses carry a strong ETag (304 on a match), a gzip copy to clients that take one, and a
 * strict Content-Security-Policy.
 */
export function uiRoutes(load: () => Promise<UiAssetSet | undefined>) {
  let loading: Promise<UiAssetSet | undefined> | undefined;
  const assets = () => (loading ??= load());
  const serve = async (c: Context, name: string) => {
    const set = await assets();
    if (!set) {
      return c.json({ error: "this executable was built without the dashboard", hint: "build it with `bun scripts/build.ts`, which bundles src/ui/ into the executable" }, 503);
    }
    const asset = name.length <= NAME_LENGTH_MAX ? set.get(name) : undefined;
    if (!asset) return c.json({ error: `no dashboard file named "${name.slice(0, NAME_LENGTH_MAX)}"`, hint: `open ${UI_PATH}` }, 404);
    return respond(c, asset);
  };
  return new Hono()
    .get("/ui", (c) => c.redirect(UI_PATH, 301))
    .get(UI_PATH, (c) => serve(c, UI_INDEX))
    .get(`${UI_PATH}:name`, (c) => serve(c, c.req.param("name")));
}

function respond(c: Context, asset: UiAsset): Response {
  const gzip = asset.gzip && acceptsGzip(c.req.header("accept-encoding")) ? asset.gzip : undefined;
  const etag = gzip?.etag ?? asset.etag;
  const headers: Record<string, string> = {
    ...UI_SECURITY_HEADERS,
    "content-type": asset.contentType,
    etag,
    // The page is checked every time (a new agent version brings new asset names); assets
    // are named by their content and never change.
    "cache-control": asset.immutable ? "public, max-age=31536000, immutable" : "no-cache",
    vary: "Accept-Encoding",
  };
  if (gzip) headers["content-encoding"] = "gzip";
  if (matchesEtag(c.req.header("if-none-match"), etag)) return new Response(null, { status: 304, headers });
  return new Response(gzip?.bytes ?? asset.bytes, { status: 200, headers });
}

/** If-None-Match: `*`, or a list of (possibly weak) entity tags. */
export function matchesEtag(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header.split(",").some((tag) => {
    const t = tag.trim();
    return t === "*" || t === etag || t === `W/${etag}`;
  });
}
