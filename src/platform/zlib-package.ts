import { lazyPackage } from "./lazy-package.ts";

/**
 * node:zlib, evaluated on first use. Bun's module pulls in Node's stream classes: importing it
 * costs a compiled program about 8 ms of CPU beside node:crypto (20 ms alone), which every agent
 * paid before its join for a CRC-32 that only packets with a checksum need and for gzip that only
 * HTTP answers need (docs/performance.md). test/architecture/builtins-on-first-use.test.ts keeps
 * every other module from importing node:zlib.
 */
export const loadZlib = lazyPackage("node:zlib", () => require("node:zlib") as typeof import("node:zlib"));
