/**
 * `bun:ffi` on Deno: modules that use it (process control, the state directory lock) are
 * imported on the Deno paths but their FFI is never called there; every export is here so the
 * import links, and any use throws naming the call.
 */
const unavailable = (name: string) => () => {
  throw new Error(`bun:ffi ${name} is not available on Deno`);
};
const throwingObject = (name: string) => new Proxy({}, { get: (_t, key) => (typeof key === "string" ? unavailable(`${name}.${key}`) : undefined) });

export const dlopen = unavailable("dlopen");
export const linkSymbols = unavailable("linkSymbols");
export const ptr = unavailable("ptr");
export const toArrayBuffer = unavailable("toArrayBuffer");
export const toBuffer = unavailable("toBuffer");
export const viewSource = unavailable("viewSource");
export const cc = unavailable("cc");
export const read = throwingObject("read");
export const FFIType = new Proxy({}, { get: (_t, key) => key });
export class CString {
  constructor() {
    throw new Error("bun:ffi CString is not available on Deno");
  }
}
export class JSCallback {
  constructor() {
    throw new Error("bun:ffi JSCallback is not available on Deno");
  }
}
export const suffix = "so";
