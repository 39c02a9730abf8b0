import { sleep, type Clock } from "../platform/clock.ts";
import type { TlsMaterial } from "../platform/http-fetch.ts";
import { AgentUnreachableError, describeErrorAnswer } from "./agent-client.ts";
import { EXIT_USAGE } from "./cli-deps.ts";
import { CommandExit } from "./command-context.ts";
import { createSseParser, type SseMessage } from "./sse-parser.ts";

export interface EventWatchOptions {
  fetch: typeof fetch;
  baseUrl: string;
  apiToken?: string;
  tls?: TlsMaterial;
  /** `?types=` as given (a comma list of kinds and type names). */
  types?: string;
  clock: Clock;
  /** Aborting ends the watch (SIGINT); the promise then resolves. */
  stop: AbortSignal;
  /** Every message: events (`id`, type as `event`) and `gap` notices. */
  onMessage(message: SseMessage): void;
  /** Connection news for stderr: lost, reconnecting, back. */
  onNotice(text: string): void;
}

export const WATCH_TIMING = {
  /** The agent's answer (its headers) must come within this. */
  connectTimeoutMs: 10_000,
  /** The agent sends a heartbeat every 15 s: three missed ones mean the connection is dead. */
  silenceMaxMs: 45_000,
  /** Reconnect backoff: doubling from the first delay up to the last, then staying there. */
  reconnectFirstMs: 500,
  reconnectMaxMs: 30_000,
} as const;

/**
 * Follows GET /events until `stop` aborts. The first connection must work: when the agent
 * cannot be reached it rejects with AgentUnreachableError (exit 2), a refused filter with a
 * usage exit. After that it never gives up: when the connection breaks (the agent restarted,
 * the network failed, nothing arrived for three heartbeats) it reconnects with bounded
 * backoff and resumes with Last-Event-ID, so the agent replays what was missed or says what
 * it cannot replay (a `gap` message).
 */
export async function watchEvents(options: EventWatchOptions): Promise<void> {
  const { clock, stop } = options;
  const url = `${options.baseUrl}/events${options.types ? `?types=${encodeURIComponent(options.types)}` : ""}`;
  let lastEventId: string | undefined;
  let connected = false;
  let reconnecting = false;
  let delayMs: number = WATCH_TIMING.reconnectFirstMs;
  while (!stop.aborted) {
    const attempt = new AbortController();
    const abortAttempt = () => attempt.abort();
    stop.addEventListener("abort", abortAttempt, { once: true });
    try {
      const failure = await connectAndRead(url, attempt, lastEventId, options, (id) => (lastEventId = id), () => {
        if (reconnecting) options.onNotice(`connected to the agent again${lastEventId === undefined ? "" : `; resuming after event ${lastEventId}`}`);
        connected = true;
        reconnecting = false;
        delayMs = WATCH_TIMING.reconnectFirstMs;
      });
      if (stop.aborted) return;
      if (!connected) throw failure.error ?? new AgentUnreachableError(options.baseUrl, failure.reason);
      options.onNotice(`${failure.reason}; reconnecting in ${formatSeconds(delayMs)}`);
      reconnecting = true;
    } finally {
      stop.removeEventListener("abort", abortAttempt);
    }
    try {
      await sleep(clock, delayMs, stop);
    } catch {
      return;
    }
    delayMs = Math.min(delayMs * 2, WATCH_TIMING.reconnectMaxMs);
  }
}

/** Why one connection ended (when `stop` did not end it); `error` ends the watch when nothing was ever connected. */
interface ConnectionEnd {
  reason: string;
  error?: Error;
}

async function connectAndRead(
  url: string,
  attempt: AbortController,
  lastEventId: string | undefined,
  options: EventWatchOptions,
  onId: (id: string) => void,
  onConnected: () => void,
): Promise<ConnectionEnd> {
  const { clock } = options;
  const headers: Record<string, string> = { accept: "text/event-stream" };
  if (lastEventId !== undefined) headers["last-event-id"] = lastEventId;
  if (options.apiToken !== undefined) headers.authorization = `Bearer ${options.apiToken}`;
  let timedOut = false;
  let timer = clock.setTimer(WATCH_TIMING.connectTimeoutMs, () => {
    timedOut = true;
    attempt.abort();
  });
  try {
    let response: Response;
    try {
      response = await options.fetch(url, { headers, signal: attempt.signal, ...(options.tls ? { tls: options.tls } : {}) });
    } catch (error) {
      const reason = timedOut ? `the agent did not answer within ${formatSeconds(WATCH_TIMING.connectTimeoutMs)}` : `cannot reach the agent: ${describe(error)}`;
      return { reason, error: new AgentUnreachableError(options.baseUrl, timedOut ? new Error(reason) : error) };
    }
    if (response.status !== 200) {
      const answer = await describeErrorAnswer(response).catch(() => "");
      const reason = `the agent answered ${response.status}: ${answer}`;
      return { reason, error: new CommandExit(response.status === 400 ? EXIT_USAGE : 2, reason) };
    }
    if (!response.body) return { reason: "the agent answered without a body" };
    onConnected();
    const reader = response.body.getReader();
    const parser = createSseParser();
    const decoder = new TextDecoder();
    const resetSilence = () => {
      timer.cancel();
      timer = clock.setTimer(WATCH_TIMING.silenceMaxMs, () => {
        timedOut = true;
        attempt.abort();
      });
    };
    resetSilence();
    for (;;) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch (error) {
        return { reason: timedOut ? `nothing from the agent for ${formatSeconds(WATCH_TIMING.silenceMaxMs)}` : `connection to the agent lost: ${describe(error)}` };
      }
      if (chunk.done) return { reason: timedOut ? `nothing from the agent for ${formatSeconds(WATCH_TIMING.silenceMaxMs)}` : "the agent closed the connection" };
      resetSilence();
      let messages: SseMessage[];
      try {
        messages = parser.feed(decoder.decode(chunk.value, { stream: true }));
      } catch (error) {
        await reader.cancel().catch(() => {});
        return { reason: `the agent sent a bad event stream: ${describe(error)}` };
      }
      for (const message of messages) {
        if (message.id !== undefined) onId(message.id);
        options.onMessage(message);
      }
    }
  } finally {
    timer.cancel();
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function formatSeconds(ms: number): string {
  return ms < 1000 ? `${ms}ms` : `${Math.round(ms / 100) / 10}s`;
}
