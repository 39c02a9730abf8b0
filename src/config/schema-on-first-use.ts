import type { z } from "zod";

/**
 * A schema for input validated again and again (a peer's answers on every check run): built the
 * first time it is used and kept from then on, so that importing a module builds nothing of zod
 * (zod objects are heap every process would carry, docs/performance.md). Input validated once,
 * such as the config file, builds its schema for that parse instead and drops it.
 */
export interface SchemaOnFirstUse<T extends z.ZodType> {
  /** The schema itself, built on the first call. */
  schema(): T;
  parse(input: unknown): z.output<T>;
  safeParse(input: unknown): z.ZodSafeParseResult<z.output<T>>;
}

export function schemaOnFirstUse<T extends z.ZodType>(build: () => T): SchemaOnFirstUse<T> {
  let built: T | undefined;
  const schema = (): T => (built ??= build());
  return {
    schema,
    parse: (input) => schema().parse(input),
    safeParse: (input) => schema().safeParse(input),
  };
}
