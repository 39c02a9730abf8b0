/**
 * Ends every switch over a union: with all cases handled `value` is `never`, so a new member
 * of the union that some dispatcher forgets is a compile error. At run time (a value the
 * types did not foresee, e.g. from a newer peer) it throws with the value named.
 */
export function assertNever(value: never, what = "value"): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}
