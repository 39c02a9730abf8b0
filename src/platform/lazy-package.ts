import { createRequire } from "node:module";

/**
 * A package whose module code runs on its first use instead of at start, for packages that
 * only some configurations need (nunjucks for config generators, re2js for serf query tag
 * filters: together about 1 MiB of heap and 20 ms of CPU at start in the compiled agent).
 * `load` must be `() => require("<name>")` written out at the call site: the bundler then keeps
 * the package in the executable and evaluates it only when `load` runs. Where ES modules have
 * no `require` (Deno), the package is required through `node:module` by `name` instead.
 * The returned function loads once and may throw what the package's module code throws.
 */
export function lazyPackage<T>(name: string, load: () => T): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= typeof require === "function" ? load() : (createRequire(import.meta.url)(name) as T));
}
