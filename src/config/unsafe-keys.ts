/**
 * Keys a config may not contain at any depth. Copying `__proto__` into an object changes the
 * object's prototype instead of adding a key (a config could slip values past validation that
 * way); `constructor` and `prototype` are refused with it, as every prototype-pollution guard does.
 */
export const UNSAFE_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

/** Deeper nesting than any real config needs; a deeper document is refused before it is walked. */
export const CONFIG_DEPTH_MAX = 32;

export interface UnsafeKeyProblem {
  /** Key path to the offending key, e.g. ["tags", "__proto__"]. */
  path: (string | number)[];
  message: string;
}

/**
 * The first unsafe key or too-deep nesting in a parsed config value (own keys only, as
 * JSON.parse and YAML create them), or undefined when there is none.
 */
export function findUnsafeKey(value: unknown, path: (string | number)[] = []): UnsafeKeyProblem | undefined {
  if (value === null || typeof value !== "object") return undefined;
  if (path.length >= CONFIG_DEPTH_MAX) {
    return { path, message: `nested deeper than ${CONFIG_DEPTH_MAX} levels; no Satellite setting is that deep` };
  }
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findUnsafeKey(item, [...path, index]);
      if (found) return found;
    }
    return undefined;
  }
  for (const key of Object.keys(value)) {
    if (UNSAFE_KEYS.has(key)) {
      return { path: [...path, key], message: `"${key}" is not allowed as a key (it could change how the config is read); remove it` };
    }
    const found = findUnsafeKey((value as Record<string, unknown>)[key], [...path, key]);
    if (found) return found;
  }
  return undefined;
}
