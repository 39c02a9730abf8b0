import { afterPendingInput } from "./after-pending-input.ts";
import { addressOf, sendWithPiggyback, type MembershipCore } from "./core.ts";
import type { GossipMessage, IndirectPingMessage, PingMessage } from "./messages.ts";
import { protocolMax, type MemberNode } from "./node.ts";

/** Share of probeTimeout a relay waits before it nacks. */
const NACK_TIMEOUT_FRACTION = 0.8;

interface ProbeState {
  acked: boolean;
  nacks: number;
  wake: (() => void) | undefined;
}

/**
 * One SWIM probe of `target`: UDP ping (carrying our suspicion of it, the buddy system),
 * after probeTimeout k indirect pings plus a TCP ping, and if nothing answered by the end of
 * the (awareness-scaled) interval, suspect it. Lifeguard awareness follows the outcome: any
 * answer lowers it, a silent target raises it by the nacks that did not come (by one without
 * nacking relays). Awareness stretches this probe's wait, never the rate probes start at.
 */
export async function probeNode(core: MembershipCore, target: MemberNode): Promise<void> {
  const { config, clock, table } = core;
  const self = table.localName;
  const seqNo = core.nextSeqNo();
  const startMs = clock.monotonicMs();
  const intervalMs = core.awareness.scaleTimeout(config.probeIntervalMs);
  const deadlineMs = startMs + intervalMs;
  const state: ProbeState = { acked: false, nacks: 0, wake: undefined };
  let ackPayload: Uint8Array = new Uint8Array();
  let ackAtMs = 0;
  core.acks.register(seqNo, intervalMs, {
    onAck: (payload, atMs) => {
      state.acked = true;
      ackPayload = payload;
      ackAtMs = atMs;
      state.wake?.();
    },
    onNack: () => void state.nacks++,
  });
  const local = core.net.localAddress;
  const ping: PingMessage = { type: "ping", seqNo, node: target.name, sourceAddr: local.ip, sourcePort: local.port, sourceNode: self };
  const msgs: GossipMessage[] = [ping];
  if (target.state === "suspect") msgs.push({ type: "suspect", incarnation: target.incarnation, node: target.name, from: self });
  sendWithPiggyback(core, addressOf(target), msgs);

  await waitForAck(core, state, startMs + config.probeTimeoutMs);
  if (state.acked) {
    core.awareness.applyDelta(-1);
    core.udpHealth.recordUdpSuccess();
    core.delegates.ping?.notifyPingComplete(target, ackAtMs - startMs, ackPayload);
    return;
  }
  core.delegates.ping?.notifyPingMissed?.(target);

  const peers = table.randomNodes(config.indirectChecks, (n) => n.name !== self && n.name !== target.name && n.state === "alive");
  let expectedNacks = 0;
  for (const peer of peers) {
    const nack = protocolMax(peer) >= 4;
    if (nack) expectedNacks++;
    const indirect: IndirectPingMessage = { type: "indirectPing", seqNo, targetAddr: target.addr, targetPort: target.port, node: target.name, nack, sourceAddr: local.ip, sourcePort: local.port, sourceNode: self };
    sendWithPiggyback(core, addressOf(peer), [indirect]);
  }
  let tcpAnswered: Promise<boolean> | undefined;
  const tcpTimeoutMs = deadlineMs - clock.monotonicMs();
  if (!config.disableTcpPings && protocolMax(target) >= 3 && tcpTimeoutMs > 0) {
    tcpAnswered = core.net
      .sendStream(addressOf(target), ping, { timeoutMs: tcpTimeoutMs, expectReply: true })
      .then((reply) => reply?.type === "ack" && reply.seqNo === seqNo)
      .catch(() => false);
  }

  await waitForAck(core, state, deadlineMs);
  // As memberlist: any answer, indirect or over TCP, is a probe that worked for local health.
  if (state.acked) {
    core.awareness.applyDelta(-1);
    core.udpHealth.recordUdpSuccess();
    return;
  }
  if (tcpAnswered && (await tcpAnswered)) {
    core.awareness.applyDelta(-1);
    core.udpHealth.recordTcpOnly();
    core.notes.log("warn", "tcp-only", "peer answered over TCP but not over UDP; UDP may be blocked", { node: target.name, addr: `${target.addr}:${target.port}` });
    return;
  }
  if (core.isStopped()) return;
  core.awareness.applyDelta(expectedNacks > 0 ? Math.max(0, expectedNacks - state.nacks) : 1);
  const current = table.get(target.name);
  if (!current) return;
  core.notes.log("info", "no-ack", "no ack from peer, suspecting it", { node: target.name });
  table.suspectNode({ type: "suspect", incarnation: current.incarnation, node: target.name, from: self }, "local");
}

/**
 * Relays an indirect ping: pings the target for the requester, forwards its ack, and sends a
 * nack when the target stays silent for probeTimeout (so the requester can tell whether
 * the fault is its own).
 */
export function relayIndirectPing(core: MembershipCore, msg: IndirectPingMessage, from: { ip: string; port: number }): void {
  const requester = msg.sourceAddr && msg.sourcePort ? { ip: msg.sourceAddr, port: msg.sourcePort } : from;
  const seqNo = core.nextSeqNo();
  let acked = false;
  core.acks.register(seqNo, core.config.probeTimeoutMs, {
    onAck: () => {
      acked = true;
      sendWithPiggyback(core, requester, [{ type: "ack", seqNo: msg.seqNo, payload: new Uint8Array() }]);
    },
  });
  if (msg.nack) {
    // Before the requester's deadline (it sent us this probeTimeout into its interval), so the
    // nack counts there; an ack arriving later is still forwarded.
    core.clock.setTimer(core.config.probeTimeoutMs * NACK_TIMEOUT_FRACTION, () => {
      if (!acked && !core.isStopped()) sendWithPiggyback(core, requester, [{ type: "nack", seqNo: msg.seqNo }]);
    });
  }
  const local = core.net.localAddress;
  const ping: PingMessage = { type: "ping", seqNo, node: msg.node, sourceAddr: local.ip, sourcePort: local.port, sourceNode: core.table.localName };
  sendWithPiggyback(core, { ip: msg.targetAddr, port: msg.targetPort }, [ping]);
}

/** Until the ack or `untilMs`, and then until the packets already waiting were read. */
function waitForAck(core: MembershipCore, state: ProbeState, untilMs: number): Promise<void> {
  if (state.acked) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      state.wake = undefined;
      resolve();
    };
    let timer = core.clock.setTimer(untilMs - core.clock.monotonicMs(), () => {
      timer = afterPendingInput(core.clock, done);
    });
    state.wake = () => {
      timer.cancel();
      done();
    };
  });
}
