import type { EventHandlerSpec } from "../config/event-handler-spec.ts";
import type { SerfQuerying } from "../cluster/serf-query-api.ts";
import type { Clock } from "../platform/clock.ts";
import { describeError } from "../platform/errors.ts";
import type { Exec } from "../platform/exec.ts";
import type { Logger } from "../platform/logger.ts";
import { handlerEnvironment } from "./handler-environment.ts";

/**
 * An answer's payload: serf's 1024-byte response limit less the response's own fields (LTime,
 * id, flags and the node name, which `answerBytesMax` takes off).
 */
const RESPONSE_PAYLOAD_BYTES = 1024 - 64;

export interface QueryHandlersOptions {
  handlers: readonly EventHandlerSpec[];
  querying: SerfQuerying;
  exec: Exec;
  clock: Clock;
  logger: Logger;
  self: { name: string; tags: Readonly<Record<string, string>> };
  /** A run still going after this is killed with its process group (eventHandlerTimeout). */
  timeoutMs: number;
}

/**
 * serf's query handlers (`--event-handler query:NAME=COMMAND`): a query named NAME runs
 * COMMAND with `/bin/sh -c`, the query's payload on stdin and the handler environment plus
 * SATELLITE_QUERY_NAME, SATELLITE_QUERY_SOURCE and SATELLITE_QUERY_LTIME; its output, when
 * there is any, is the answer, cut to what fits serf's response limit. A failed run answers
 * nothing. One handler per name (the first); returns the function that removes them.
 */
export function answerQueriesWithHandlers(options: QueryHandlersOptions): () => void {
  const { logger } = options;
  const removers: (() => void)[] = [];
  const answerBytesMax = RESPONSE_PAYLOAD_BYTES - Buffer.byteLength(options.self.name);
  for (const spec of options.handlers) {
    const name = spec.query;
    if (name === undefined) continue;
    try {
      removers.push(options.querying.answerQuery(name, (q) => runQueryHandler(spec.command, q, { ...options, answerBytesMax })));
    } catch (error) {
      logger.warn("a second query handler for the same name is ignored; the first answers", { query: name, error: describeError(error) });
    }
  }
  return () => removers.forEach((remove) => remove());
}

async function runQueryHandler(
  command: string,
  q: { name: string; payload: Uint8Array; sourceNode: string; ltime: number },
  options: QueryHandlersOptions & { answerBytesMax: number },
): Promise<Uint8Array | undefined> {
  const controller = new AbortController();
  const timeout = options.clock.setTimer(options.timeoutMs, () => controller.abort());
  try {
    const env = { ...handlerEnvironment(options.self, "query"), SATELLITE_QUERY_NAME: q.name, SATELLITE_QUERY_SOURCE: q.sourceNode, SATELLITE_QUERY_LTIME: String(q.ltime) };
    const result = await options.exec.run(["/bin/sh", "-c", command], { env, stdin: new TextDecoder().decode(q.payload), signal: controller.signal, outputBytesMax: options.answerBytesMax });
    if (result.aborted || result.exitCode !== 0) {
      options.logger.warn("query handler failed; no answer sent", { query: q.name, command, exitCode: result.exitCode, aborted: result.aborted, stderr: result.stderr.slice(0, 512) });
      return undefined;
    }
    const answer = new TextEncoder().encode(result.stdout);
    return answer.length === 0 ? undefined : answer.subarray(0, options.answerBytesMax);
  } finally {
    timeout.cancel();
  }
}
