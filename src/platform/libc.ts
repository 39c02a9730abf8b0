import { dlopen, type FFIFunction, type Library } from "bun:ffi";

/** glibc first, then musl's names (Alpine-based images). */
const LIBC_NAMES = ["libc.so.6", "libc.musl-x86_64.so.1", "libc.musl-aarch64.so.1", "libc.so"];

/**
 * The C library's `symbols` through bun:ffi, or undefined where none can be loaded (not Linux,
 * no FFI, a libc without one of the symbols).
 */
export function openLibc<Symbols extends Record<string, FFIFunction>>(symbols: Symbols): Library<Symbols>["symbols"] | undefined {
  if (process.platform !== "linux") return undefined;
  for (const name of LIBC_NAMES) {
    try {
      return dlopen(name, symbols).symbols;
    } catch {
      // Try the next name.
    }
  }
  return undefined;
}
