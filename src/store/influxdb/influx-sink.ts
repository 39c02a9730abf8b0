import { join } from "node:path";
import type { Clock, Timer } from "../../platform/clock.ts";
import type { Logger } from "../../platform/logger.ts";
import { describeError } from "../../platform/errors.ts";
import { redactCredentials } from "../../platform/redact.ts";
import type { StoreHealth } from "../history-store.ts";
import { openDiskQueue, type DiskQueue } from "./disk-queue.ts";
import { createDatabase, InfluxWriteError, writeLines, type FetchFn, type InfluxConfig } from "./influx-client.ts";
import { formatPoint, type Point } from "./line-protocol.ts";
import { nodeStatusPoints, type NodeStatusLike } from "./points.ts";

export type InfluxDropReason = "queue_full" | "rejected";

export interface InfluxSinkOptions extends InfluxConfig {
  /** Directory for the on-disk queue (`influxdb-queue.lp`); usually the state dir. */
  queueDir: string;
  clock: Clock;
  logger: Logger;
  fetch?: FetchFn;
  /** Lines per request (default 1000); a full buffer is sent at once. */
  batchLinesMax?: number;
  /** Buffered lines wait at most this long (default 1000 ms). */
  flushIntervalMs?: number;
  /** While InfluxDB fails, retry the queue this often (default 5000 ms). */
  retryIntervalMs?: number;
  /** Unsent bytes kept on disk at most (default 64 MiB); lines beyond are dropped and counted. */
  queueBytesMax?: number;
  requestTimeoutMs?: number;
  /** Called for every dropped line count (for a Prometheus counter). */
  onDrop?: (lines: number, reason: InfluxDropReason) => void;
}

export interface InfluxSinkHealth extends StoreHealth {
  queuedLines: number;
  queuedBytes: number;
  droppedLines: number;
}

/**
 * Writes points to InfluxDB 1.x next to the history store: the agent fans each status round
 * out to SQLite (HistoryStore) and to this sink. Writing never throws and never waits for the
 * network. Points are buffered (size + time), sent in batches, and while InfluxDB is down
 * they go to a bounded on-disk queue that is drained, in order, when it answers again.
 * Lines only in memory (at most one flush interval) are lost on kill -9; queued lines are not.
 * The database is created when missing (before the first write, and when a write finds it gone).
 */
export interface InfluxSink {
  writePoints(points: readonly Point[]): void;
  /** The `node` point and `probe` points of each node. */
  writeNodeStatus(nodes: readonly NodeStatusLike[], tsMs: number): void;
  /** Sends the buffer and drains the queue as far as InfluxDB allows; never rejects. */
  flush(): Promise<void>;
  health(): InfluxSinkHealth;
  /** Flushes once more; whatever cannot be sent stays queued on disk for the next start. */
  close(): Promise<void>;
}

const QUEUE_PEEK_BYTES = 1 << 20;

export function createInfluxSink(options: InfluxSinkOptions): InfluxSink {
  const { clock, logger } = options;
  // The URL as logs and /readyz show it: `user:***@`.
  const shownUrl = redactCredentials(options.url);
  const fetchFn: FetchFn = options.fetch ?? ((input, init) => fetch(input, init));
  const batchLinesMax = options.batchLinesMax ?? 1000;
  const flushIntervalMs = options.flushIntervalMs ?? 1000;
  const retryIntervalMs = options.retryIntervalMs ?? 5000;
  const timeoutMs = options.requestTimeoutMs ?? 5000;
  const queue: DiskQueue = openDiskQueue(join(options.queueDir, "influxdb-queue.lp"), options.queueBytesMax ?? 64 << 20);
  let buffer: string[] = [];
  let flushTimer: Timer | undefined;
  let retryTimer: Timer | undefined;
  let work: Promise<void> = Promise.resolve();
  let lastError: InfluxWriteError | undefined;
  let loggedKinds = new Set<string>();
  let dropped = 0;
  let closed = false;

  const drop = (lines: number, reason: InfluxDropReason): void => {
    if (lines <= 0) return;
    dropped += lines;
    options.onDrop?.(lines, reason);
    logger.warn("influxdb points dropped", { lines, reason, queue: queue.path, url: shownUrl });
  };

  const enqueue = (lines: readonly string[]): void => {
    const taken = queue.append(lines);
    drop(lines.length - taken, "queue_full");
  };

  const failed = (error: unknown): void => {
    const e = error instanceof InfluxWriteError
      ? error
      : new InfluxWriteError(redactCredentials(describeError(error)), { retryable: true, hint: "see the agent log", cause: error });
    lastError = e;
    const kind = String(e.status ?? "network");
    if (!loggedKinds.has(kind)) {
      loggedKinds.add(kind);
      logger.error("influxdb write failed", { error: e.message, hint: e.hint });
    }
  };

  const succeeded = (): void => {
    if (lastError) logger.info("influxdb writes recovered", { url: shownUrl });
    lastError = undefined;
    loggedKinds = new Set();
  };

  // The database is created before the first write and again when a write finds it missing
  // (dropped while we run), as the original agent did at start. Credentials that may not
  // create databases are logged once and writing goes on: the database may exist already.
  let databaseReady = false;
  let createRefusalLogged = false;
  const ensureDatabase = async (): Promise<void> => {
    if (databaseReady) return;
    try {
      await createDatabase(fetchFn, options, timeoutMs);
    } catch (error) {
      if (!(error instanceof InfluxWriteError) || (error.status !== 401 && error.status !== 403)) throw error;
      if (!createRefusalLogged) logger.warn("cannot create the influxdb database; writing to it anyway", { database: options.database, error: error.message, hint: error.hint });
      createRefusalLogged = true;
    }
    databaseReady = true;
  };
  const writeToDatabase = async (lines: readonly string[]): Promise<void> => {
    await ensureDatabase();
    try {
      await writeLines(fetchFn, options, lines, timeoutMs);
    } catch (error) {
      if (!(error instanceof InfluxWriteError) || error.status !== 404) throw error;
      databaseReady = false;
      await ensureDatabase();
      await writeLines(fetchFn, options, lines, timeoutMs);
    }
  };

  // Sends one batch; true when InfluxDB took it (or refused it for good: then it is dropped).
  const send = async (lines: readonly string[]): Promise<boolean> => {
    try {
      await writeToDatabase(lines);
      succeeded();
      return true;
    } catch (error) {
      failed(error);
      if (error instanceof InfluxWriteError && !error.retryable) {
        drop(Math.min(lines.length, error.droppedLines ?? lines.length), "rejected");
        return true;
      }
      return false;
    }
  };

  const drainQueue = async (): Promise<void> => {
    while (queue.pendingBytes() > 0) {
      const { lines, endOffset } = queue.peek(QUEUE_PEEK_BYTES);
      for (let i = 0; i < lines.length; i += batchLinesMax) {
        if (!(await send(lines.slice(i, i + batchLinesMax)))) {
          // Lines of this peek already accepted are resent later: at-least-once, and InfluxDB
          // stores a resent point once.
          scheduleRetry();
          return;
        }
      }
      queue.commit(endOffset);
    }
  };

  let sendScheduled = false;
  const sendBuffer = async (): Promise<void> => {
    sendScheduled = false;
    const lines = buffer;
    buffer = [];
    flushTimer?.cancel();
    flushTimer = undefined;
    let failedNow = false;
    for (let i = 0; i < lines.length; i += batchLinesMax) {
      const batch = lines.slice(i, i + batchLinesMax);
      // Keep order: while older lines wait on disk, new ones queue behind them.
      if (queue.pendingBytes() > 0 || failedNow) enqueue(batch);
      else if (!(await send(batch))) {
        failedNow = true;
        enqueue(batch);
      }
    }
    // One failed request per round is enough; the retry timer tries again later.
    if (failedNow) scheduleRetry();
    else if (queue.pendingBytes() > 0) await drainQueue();
  };

  const runExclusive = (fn: () => Promise<void>): Promise<void> => {
    const next = work.then(fn).catch((error: unknown) => failed(error));
    work = next;
    return next;
  };

  const scheduleRetry = (): void => {
    if (closed || retryTimer) return;
    retryTimer = clock.setTimer(retryIntervalMs, () => {
      retryTimer = undefined;
      void runExclusive(drainQueue);
    });
  };

  const writePoints = (points: readonly Point[]): void => {
    if (closed) return;
    for (const p of points) {
      const line = formatPoint(p);
      if (line !== undefined) buffer.push(line);
    }
    if (buffer.length >= batchLinesMax) {
      if (!sendScheduled) {
        sendScheduled = true;
        void runExclusive(sendBuffer);
      }
      // A send in progress may take up to the request timeout: spill what keeps coming to disk.
      if (buffer.length >= batchLinesMax * 10) enqueue(buffer.splice(0));
    } else if (buffer.length > 0 && !flushTimer) {
      flushTimer = clock.setTimer(flushIntervalMs, () => {
        flushTimer = undefined;
        void runExclusive(sendBuffer);
      });
    }
  };

  if (queue.pendingBytes() > 0) void runExclusive(drainQueue);

  return {
    writePoints,
    writeNodeStatus(nodes, tsMs) {
      writePoints(nodes.flatMap((n) => nodeStatusPoints(n, tsMs)));
    },
    flush: () => runExclusive(sendBuffer),
    health() {
      const base = { queuedLines: queue.pendingLines() + buffer.length, queuedBytes: queue.pendingBytes(), droppedLines: dropped };
      if (!lastError) return { ok: true, ...base };
      const error = `writing points to InfluxDB at ${shownUrl} (database ${options.database}): ${lastError.message}; ${lastError.hint} (${queue.pendingLines()} lines in ${queue.path}, ${dropped} dropped since start)`;
      return { ok: false, error: redactCredentials(error), ...base };
    },
    async close() {
      if (closed) return;
      closed = true;
      flushTimer?.cancel();
      retryTimer?.cancel();
      await runExclusive(sendBuffer);
      // Still-pending lines stay on disk for the next start.
    },
  };
}
