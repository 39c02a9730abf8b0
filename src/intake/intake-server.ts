import type { SatelliteMetrics } from "../metrics/index.ts";
import type { ListeningSockets, TcpConn, TcpConnHandlers, TcpListener, UdpEndpoint } from "../platform/bun-sockets.ts";
import { bindTcpAndUdpOnOnePort } from "../platform/same-port-bind.ts";
import type { Clock, Timer } from "../platform/clock.ts";
import { describeError, SatelliteError } from "../platform/errors.ts";
import type { Logger } from "../platform/logger.ts";
import type { Random } from "../platform/random.ts";
import type { HistoryStore } from "../store/history-store.ts";
import type { MetricSample } from "../store/metric-series.ts";
import { GRAPHITE_LINE_CHARS_MAX, parseGraphiteLine } from "./graphite-line.ts";
import { LineSplitter } from "./line-splitter.ts";
import { MetricAggregator } from "./metric-aggregator.ts";
import { seriesName } from "./metric-name.ts";
import { parseStatsdLine } from "./statsd-line.ts";

/** Timer values kept per interval for percentiles (count, mean and upper stay exact beyond). */
export const TIMER_VALUES_MAX = 10_000;
/** Distinct members one set counts per interval. */
export const SET_MEMBERS_MAX = 10_000;
/** A metric without a sample this long stops being reported. */
export const IDLE_FORGET_MS = 10 * 60_000;
/** Graphite TCP clients at once; carbon clients keep one connection each. */
export const GRAPHITE_CONNECTIONS_MAX = 256;
/** A graphite TCP client silent this long is closed (clients usually send every minute). */
export const GRAPHITE_IDLE_MS = 5 * 60_000;

export interface ListenAt {
  /** IP literal. */
  host: string;
  /** 0 picks a free port. */
  port: number;
}

export interface IntakeOptions {
  /** statsd over UDP. */
  statsd?: ListenAt;
  /** graphite plaintext over TCP and UDP (one port). */
  graphite?: ListenAt;
  /** The node the series are recorded for (this one). */
  nodeName: string;
  flushIntervalMs: number;
  metricsMax: number;
  clock: Clock;
  random: Random;
  logger: Logger;
  sockets: ListeningSockets;
  metrics: Pick<SatelliteMetrics, "statsdLines" | "statsdDropped" | "statsdValue" | "statsdMetrics">;
  history: Pick<HistoryStore, "appendMetrics">;
}

export interface RunningIntake {
  statsdPort?: number;
  graphitePort?: number;
  /** Ends the current interval now: /metrics and history get its values. */
  flush(): Promise<void>;
  /** Closes the listeners, then flushes what came in; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * statsd and graphite intake (docs/intake.md): lines are parsed and aggregated as they come,
 * and every flush interval the aggregate becomes `satellite_statsd_value` on /metrics and
 * `statsd.<name>.<stat>` series in history. A malformed line is dropped and counted, never logged.
 */
export async function startIntake(options: IntakeOptions): Promise<RunningIntake> {
  const { clock, metrics, logger } = options;
  const aggregator = new MetricAggregator({
    namesMax: options.metricsMax,
    timerValuesMax: TIMER_VALUES_MAX,
    setMembersMax: SET_MEMBERS_MAX,
    idleForgetMs: IDLE_FORGET_MS,
    random: () => options.random.float(),
  });
  const decoder = new TextDecoder();
  const drop = (reason: string): void => metrics.statsdDropped.inc({ reason });

  /** Each returns whether the line was taken; the caller counts taken lines once per packet or chunk. */
  const takeStatsd = (line: string): boolean => {
    const sample = parseStatsdLine(line);
    if (typeof sample === "string") {
      drop(sample);
      return false;
    }
    const refused = aggregator.addStatsd(sample, clock.nowMs());
    if (refused) {
      drop(refused);
      return false;
    }
    return true;
  };
  const takeGraphite = (line: string): boolean => {
    const now = clock.nowMs();
    const sample = parseGraphiteLine(line, now);
    if (typeof sample === "string") {
      drop(sample);
      return false;
    }
    const refused = aggregator.addGraphite(sample, now);
    if (refused) {
      drop(refused);
      return false;
    }
    return true;
  };
  const takeLines = (lines: Iterable<string>, take: (line: string) => boolean, protocol: "statsd" | "graphite"): void => {
    let taken = 0;
    for (const raw of lines) {
      const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
      if (line !== "" && take(line)) taken++;
    }
    if (taken > 0) metrics.statsdLines.inc({ protocol }, taken);
  };
  const datagramLines = (data: Uint8Array, take: (line: string) => boolean, protocol: "statsd" | "graphite"): void => takeLines(decoder.decode(data).split("\n"), take, protocol);

  const closers: (() => void)[] = [];
  const result: RunningIntake = { flush: async () => {}, stop: async () => {} };
  try {
    if (options.statsd) {
      const statsd = await openUdp(options, options.statsd, "statsd", (data) => datagramLines(data, takeStatsd, "statsd"));
      closers.push(() => statsd.close());
      result.statsdPort = statsd.port;
    }
    if (options.graphite) {
      const at = options.graphite;
      const { tcp, udp } = await bindTcpAndUdpOnOnePort(
        at.port,
        (port) => listenGraphiteTcp(options, { ...at, port }, (lines) => takeLines(lines, takeGraphite, "graphite"), drop),
        (port) => openUdp(options, { ...at, port }, "graphite", (data) => datagramLines(data, takeGraphite, "graphite")),
      );
      closers.push(() => udp.close(), () => tcp.stop());
      result.graphitePort = tcp.port;
    }
  } catch (error) {
    for (const close of closers) close();
    throw error;
  }

  let lastFlushMs = clock.nowMs();
  const flush = async (): Promise<void> => {
    const now = clock.nowMs();
    const values = aggregator.flush(now, Math.max(1, now - lastFlushMs));
    lastFlushMs = now;
    metrics.statsdValue.clear();
    const samples: MetricSample[] = [];
    for (const v of values) {
      metrics.statsdValue.set({ metric: v.metric, stat: v.stat }, v.value);
      samples.push({ ts: now, node: options.nodeName, metric: seriesName(v.metric, v.stat), value: v.value });
    }
    metrics.statsdMetrics.set(undefined, aggregator.size);
    if (samples.length === 0) return;
    // Store writes never throw by contract; a rejection here would be a store bug.
    await options.history.appendMetrics(samples).catch((error: unknown) => logger.error("statsd history write failed", { error: describeError(error) }));
  };
  let timer: Timer = clock.setTimer(options.flushIntervalMs, function onFlush() {
    timer = clock.setTimer(options.flushIntervalMs, onFlush);
    void flush();
  });
  let stopped = false;
  result.flush = flush;
  result.stop = async () => {
    if (stopped) return;
    stopped = true;
    timer.cancel();
    for (const close of closers) close();
    await flush();
  };
  logger.info("metric intake listening", { statsd: result.statsdPort, graphite: result.graphitePort, flushIntervalMs: options.flushIntervalMs });
  return result;
}

async function openUdp(options: IntakeOptions, at: ListenAt, what: string, onData: (data: Uint8Array) => void): Promise<UdpEndpoint> {
  try {
    return await options.sockets.openUdp(at.host, at.port, onData, (error) => options.logger.warn(`${what} UDP socket error`, { error: error.message }));
  } catch (error) {
    throw listenError(what, at, "UDP", error);
  }
}

function listenGraphiteTcp(options: IntakeOptions, at: ListenAt, take: (lines: readonly string[]) => void, drop: (reason: string) => void): TcpListener {
  const { clock } = options;
  const connections = new Set<TcpConn>();
  const onConnection = (conn: TcpConn): TcpConnHandlers => {
    if (connections.size >= GRAPHITE_CONNECTIONS_MAX) {
      drop("connections_full");
      conn.close();
      return { onData: () => {}, onClose: () => {} };
    }
    connections.add(conn);
    const splitter = new LineSplitter(GRAPHITE_LINE_CHARS_MAX);
    let idle: Timer = clock.setTimer(GRAPHITE_IDLE_MS, () => conn.close());
    return {
      onData(chunk) {
        idle.cancel();
        idle = clock.setTimer(GRAPHITE_IDLE_MS, () => conn.close());
        const { lines, tooLong } = splitter.push(chunk);
        for (let i = 0; i < tooLong; i++) drop("line_too_long");
        take(lines);
      },
      onClose() {
        idle.cancel();
        connections.delete(conn);
        const last = splitter.end();
        if (last !== undefined) take([last]);
      },
    };
  };
  try {
    const listener = options.sockets.listenTcp(at.host, at.port, onConnection);
    return {
      port: listener.port,
      stop() {
        listener.stop();
        for (const conn of connections) conn.close();
      },
    };
  } catch (error) {
    throw listenError("graphite", at, "TCP", error);
  }
}

function listenError(what: string, at: ListenAt, transport: string, error: unknown): SatelliteError {
  const flag = what === "statsd" ? "--statsd-addr" : "--graphite-addr";
  const addr = at.host.includes(":") ? `[${at.host}]:${at.port}` : `${at.host}:${at.port}`;
  return new SatelliteError("INTAKE_LISTEN_FAILED", `cannot take ${what} lines on ${addr} (${transport}): ${describeError(error)}`, {
    hint: `another daemon (statsd, carbon) may use the port; pick another ${flag}, or check the address exists on this host`,
    cause: error,
  });
}
