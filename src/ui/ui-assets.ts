import { createHash } from "node:crypto";
import { loadZlib } from "../platform/zlib-package.ts";

/**
 * The dashboard's files as the agent serves them: bytes, content type, a strong ETag per
 * representation and a gzip copy when it saves at least a tenth. Prepared once, on the first
 * request, so an agent nobody looks at pays nothing for its dashboard.
 */
export interface UiAsset {
  /** Path under /ui/: `index.html`, `app-3f2a9c.js`. */
  name: string;
  contentType: string;
  bytes: Uint8Array<ArrayBuffer>;
  etag: string;
  gzip?: { bytes: Uint8Array<ArrayBuffer>; etag: string };
  /** Content-hashed names never change content: browsers may keep them for a year. */
  immutable: boolean;
}

export type UiAssetSet = ReadonlyMap<string, UiAsset>;

export const UI_INDEX = "index.html";

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  svg: "image/svg+xml",
  json: "application/json",
  png: "image/png",
  txt: "text/plain; charset=utf-8",
  map: "application/json",
};

/** What the bundler names with a content hash: `name-0123abcd.ext` (see scripts/bundle-ui.ts). */
const HASHED_NAME = /-[0-9a-z]{8,}\.[a-z]+$/;

export function contentTypeOf(name: string): string {
  const ext = name.slice(name.lastIndexOf(".") + 1).toLowerCase();
  return CONTENT_TYPES[ext] ?? "application/octet-stream";
}

export function prepareUiAssets(files: readonly { name: string; bytes: Uint8Array<ArrayBuffer> }[]): UiAssetSet {
  const assets = new Map<string, UiAsset>();
  for (const file of files) {
    const hash = createHash("sha256").update(file.bytes).digest("base64url").slice(0, 22);
    const asset: UiAsset = {
      name: file.name,
      contentType: contentTypeOf(file.name),
      bytes: file.bytes,
      etag: `"${hash}"`,
      immutable: file.name !== UI_INDEX && HASHED_NAME.test(file.name),
    };
    if (!asset.contentType.startsWith("image/png")) {
      const gzipped = loadZlib().gzipSync(file.bytes, { level: 9 });
      if (gzipped.byteLength <= file.bytes.byteLength * 0.9) asset.gzip = { bytes: new Uint8Array(gzipped), etag: `"${hash}-gz"` };
    }
    assets.set(file.name, asset);
  }
  return assets;
}
