import type { Clock } from "../platform/clock.ts";

/**
 * Runs `call` with a signal aborted after `timeoutMs`. When the call fails after the abort,
 * the error thrown is the timeout ("no answer within N ms"), not whatever the aborted request
 * reported, so the operator reads why it ended.
 */
export async function callWithin<T>(clock: Clock, timeoutMs: number, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const timer = clock.setTimer(timeoutMs, () => controller.abort(new Error(`no answer within ${timeoutMs} ms`)));
  try {
    return await call(controller.signal);
  } catch (error) {
    throw controller.signal.aborted ? controller.signal.reason : error;
  } finally {
    timer.cancel();
  }
}
