/** Satellite on Deno (docs/deno.md): the runtime adapters behind the platform interfaces. */
export { createDenoAgentPlatform, type DenoPlatformOptions } from "./deno-platform.ts";
export { denoRawSockets } from "../platform/deno-sockets.ts";
export type { RawSockets } from "../platform/raw-sockets.ts";
export { listenDenoHttp } from "../platform/deno-http-server.ts";
