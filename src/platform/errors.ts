/**
 * An error that says what went wrong and what to do. `code` is stable for scripts and tests;
 * `hint` is the next step for the operator.
 */
export class SatelliteError extends Error {
  readonly code: string;
  readonly hint?: string;

  constructor(code: string, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "SatelliteError";
    this.code = code;
    this.hint = options.hint;
  }
}

/** The message of anything thrown, for logs and probe errors. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
