/**
 * Waits for `needed` of `calls` to succeed, not for all: resolves with the values in so far as
 * soon as there are enough, or once every call settled. The calls not yet settled go on; their
 * outcomes reach `onLate` (read repair and hints use them).
 */
export function awaitQuorum<T>(
  calls: readonly Promise<T>[],
  needed: number,
  onLate?: (values: T[], errors: unknown[]) => void,
): Promise<{ values: T[]; errors: unknown[] }> {
  return new Promise((resolve) => {
    const values: T[] = [];
    const errors: unknown[] = [];
    let settled = 0;
    let resolved = false;
    const finish = () => {
      if (!resolved && (values.length >= needed || settled === calls.length)) {
        resolved = true;
        resolve({ values: [...values], errors: [...errors] });
      }
      if (settled === calls.length) onLate?.(values, errors);
    };
    if (calls.length === 0) finish();
    for (const call of calls) {
      call.then(
        (value) => {
          settled++;
          values.push(value);
          finish();
        },
        (error: unknown) => {
          settled++;
          errors.push(error);
          finish();
        },
      );
    }
  });
}
