import { formatAddress, type GossipNetHandlers, type NetAddress } from "./gossip-net.ts";
import type { GossipMessage } from "./messages.ts";
import type { Keyring } from "./wire/keyring.ts";
import { StreamBuffer } from "./wire/stream-buffer.ts";
import { encodeStream, readStreamMessage } from "./wire/stream-codec.ts";
import { WireError } from "./wire/wire-error.ts";
import { streamFailureReason, type IncomingStreams } from "./stream-admission.ts";
import type { SocketAddress, TcpConn, TcpConnHandlers } from "../platform/bun-sockets.ts";
import type { Clock } from "../platform/clock.ts";
import { describeError, SatelliteError } from "../platform/errors.ts";
import type { Logger } from "../platform/logger.ts";
import type { SecureRandomBytes } from "../platform/secure-random.ts";

/** Both directions of memberlist's stream exchange: one message in, at most one reply out, then close. */
export interface StreamContext {
  keyring?: Keyring;
  compression: boolean;
  random: SecureRandomBytes;
  clock: Clock;
  logger: Logger;
  /** Largest reply read on a stream we open (replies to our own requests; not pooled). */
  maxBytes: number;
  incomingTimeoutMs: number;
  /** Admission, memory and failure accounting of incoming streams. */
  incoming: IncomingStreams;
  handlers(): GossipNetHandlers;
  isClosed(): boolean;
  counters: { streamsOpened: number; streamsAccepted: number; streamsFailed: number; bytesSent: number; bytesReceived: number };
  /** Open connections in both directions, closed together on shutdown. */
  conns: Set<TcpConn>;
  /** The runtime's outgoing TCP (platform/raw-sockets.ts). */
  connectTcp(to: SocketAddress, handlers: TcpConnHandlers): Promise<TcpConn>;
}

const IGNORE: TcpConnHandlers = { onData: () => {}, onClose: () => {} };

/**
 * Serves one incoming connection within the limits of `ctx.incoming`: refused at once over
 * the stream count (total or per peer IP), closed as soon as it exceeds its size or the
 * shared memory, or misses the deadline. Every refusal and failure is counted by reason.
 */
export function acceptStream(ctx: StreamContext, conn: TcpConn): TcpConnHandlers {
  const conns = ctx.conns;
  const from = conn.remote;
  const peer = formatAddress(from);
  if (ctx.isClosed()) {
    conn.close();
    return IGNORE;
  }
  const { incoming } = ctx;
  const refused = incoming.admit(from.ip);
  if (refused) {
    ctx.counters.streamsFailed++;
    incoming.failed(refused, peer, `over the limit of ${refused === "too_many_streams" ? incoming.limits.incomingMax : incoming.perPeerMaxFor(from.ip)} concurrent streams`);
    conn.close();
    return IGNORE;
  }
  ctx.counters.streamsAccepted++;
  conns.add(conn);
  const { limits } = incoming;
  const what = `stream from ${peer}`;
  const memory = incoming.memory.open(limits.streamMemoryMax, what);
  const buf = new StreamBuffer(ctx.clock, ctx.incomingTimeoutMs, limits.messageBytesMax, what, memory);
  let failed = false;
  const fail = (error: unknown): void => {
    failed = true;
    ctx.counters.streamsFailed++;
    incoming.failed(streamFailureReason(error), peer, describeError(error));
  };
  const serve = async (): Promise<void> => {
    let msg: GossipMessage;
    try {
      msg = await readStreamMessage(buf, { keyring: ctx.keyring, maxBytes: limits.messageBytesMax, nodesMax: limits.pushPullNodesMax, memory });
    } catch (error) {
      fail(error);
      // memberlist answers a malformed stream with an err message before closing.
      if (error instanceof WireError) await writeReply(ctx, conn, { type: "err", error: error.message }).catch(() => {});
      return;
    }
    const reply = await withDeadline(ctx, ctx.handlers().onStreamMessage(msg, from), `answering a ${msg.type} ${what}`);
    if (reply && !ctx.isClosed()) await writeReply(ctx, conn, reply);
  };
  void serve()
    .catch(fail)
    .finally(() => {
      buf.close();
      memory.release();
      incoming.finished(from.ip);
      conns.delete(conn);
      // A failed stream is cut off; a served one is half-closed after its reply, and cut off
      // if the peer keeps it open past the deadline.
      if (failed) {
        conn.close();
        return;
      }
      conn.end();
      ctx.clock.setTimer(ctx.incomingTimeoutMs, () => conn.close());
    });
  return {
    onData: (data) => {
      ctx.counters.bytesReceived += data.length;
      buf.push(data);
    },
    onClose: (error) => buf.end(error),
  };
}

/** The membership layer must answer within the stream deadline; a stuck handler must not pin the connection. */
function withDeadline<T>(ctx: StreamContext, promise: Promise<T>, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = ctx.clock.setTimer(ctx.incomingTimeoutMs, () =>
      reject(new SatelliteError("GOSSIP_STREAM_TIMEOUT", `${what}: no reply from the membership layer within ${ctx.incomingTimeoutMs} ms`)),
    );
    promise.then(
      (v) => {
        timer.cancel();
        resolve(v);
      },
      (e: unknown) => {
        timer.cancel();
        reject(e);
      },
    );
  });
}

async function writeReply(ctx: StreamContext, conn: TcpConn, msg: GossipMessage): Promise<void> {
  const bytes = encodeStream(msg, { compression: ctx.compression, keyring: ctx.keyring, random: ctx.random });
  await conn.write(bytes);
  ctx.counters.bytesSent += bytes.length;
}

/** Opens a stream, sends `msg`, reads one reply when asked; the whole exchange is bounded by timeoutMs. */
export async function openStream(
  ctx: StreamContext,
  to: NetAddress,
  msg: GossipMessage,
  options: { timeoutMs: number; expectReply: boolean },
): Promise<GossipMessage | undefined> {
  const what = `stream to ${formatAddress(to)}`;
  const bytes = encodeStream(msg, { compression: ctx.compression, keyring: ctx.keyring, random: ctx.random });
  const buf = new StreamBuffer(ctx.clock, options.timeoutMs, ctx.maxBytes, what);
  let conn: TcpConn | undefined;
  let rejectTimeout: (e: unknown) => void = () => {};
  const timeout = new Promise<never>((_, reject) => {
    rejectTimeout = reject;
  });
  timeout.catch(() => {});
  const deadline = ctx.clock.setTimer(options.timeoutMs, () => {
    const error = new SatelliteError("GOSSIP_STREAM_TIMEOUT", `${what}: no answer within ${options.timeoutMs} ms`, {
      hint: "the peer is slow, overloaded or unreachable",
    });
    rejectTimeout(error);
    buf.fail(error);
    conn?.close();
  });
  const conns = ctx.conns;
  try {
    const connecting = ctx.connectTcp(to, { onData: (d) => buf.push(d), onClose: (error) => buf.end(error) });
    try {
      conn = await Promise.race([connecting, timeout]);
    } catch (error) {
      connecting.then((c) => c.close(), () => {});
      throw connectError(what, error);
    }
    if (ctx.isClosed()) throw new SatelliteError("GOSSIP_NET_CLOSED", `${what}: the gossip network closed while connecting`, { hint: "the agent is shutting down" });
    conns.add(conn);
    ctx.counters.streamsOpened++;
    await Promise.race([conn.write(bytes), timeout]);
    ctx.counters.bytesSent += bytes.length;
    if (!options.expectReply) return undefined;
    const reply = await readStreamMessage(buf, { keyring: ctx.keyring, maxBytes: ctx.maxBytes });
    if (reply.type === "err") {
      throw new SatelliteError("GOSSIP_REMOTE_ERROR", `${what}: peer answered with an error: ${reply.error}`, {
        hint: "check the peer's logs; a mismatch in encryption keys is the usual cause",
      });
    }
    return reply;
  } finally {
    deadline.cancel();
    buf.close();
    if (conn) {
      conns.delete(conn);
      conn.end();
    }
  }
}

function connectError(what: string, error: unknown): unknown {
  if (error instanceof SatelliteError) return error;
  return new SatelliteError("GOSSIP_STREAM_REFUSED", `${what}: cannot connect: ${describeError(error)}`, {
    hint: "the peer is down or a firewall blocks its gossip TCP port",
    cause: error,
  });
}

/** Closes every connection of this net (on close()). */
export function closeAllStreams(ctx: StreamContext): void {
  for (const c of ctx.conns) c.close();
  ctx.conns.clear();
}
