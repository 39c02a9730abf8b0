import { describeRuntimeError } from "./runtime-errors.ts";

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

/**
 * The message of anything thrown, for logs and probe errors: a network error of the runtime in
 * our words (runtime-errors.ts: "connection refused by 10.0.0.5:2379"), anything else as it says.
 */
export function describeError(error: unknown): string {
  const ours = describeRuntimeError(error);
  if (ours !== undefined) return ours;
  if (error instanceof Error) return error.message;
  return String(error);
}
