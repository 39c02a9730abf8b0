import { assertNever } from "../platform/assert-never.ts";
import { sendWithPiggyback, type MembershipCore } from "./core.ts";
import { formatAddress, type GossipNetHandlers, type NetAddress } from "./gossip-net.ts";
import type { GossipMessage } from "./messages.ts";
import { relayIndirectPing } from "./probe.ts";
import { answerPushPull } from "./push-pull.ts";
import { RateBudget } from "./rate-budget.ts";

/** What the net delivers to, and how many UDP requests it left unanswered. */
export interface MessageDispatch {
  handlers: GossipNetHandlers;
  /** UDP pings and indirect pings left unanswered: over requestsPerSecondMax. */
  requestsUnanswered(): number;
}

/**
 * Routes each message from the net to the part that owns it: pings answered (UDP ones within
 * requestsPerSecondMax, so a flood cannot make us a reflector), acks to the registry, claims
 * to the member table, user messages to the delegate, push/pull over streams only. Nothing is
 * handled after the membership stopped.
 */
export function createMessageDispatch(core: MembershipCore): MessageDispatch {
  const { config, clock, notes, delegates } = core;
  const requestBudget = new RateBudget(config.requestsPerSecondMax, () => clock.monotonicMs());
  let requestsUnanswered = 0;
  /** Whether a UDP request may be answered now (see requestsPerSecondMax); counts it when not. */
  const mayAnswer = (): boolean => {
    if (requestBudget.take()) return true;
    requestsUnanswered++;
    return false;
  };

  const onPacketMessage = (msg: GossipMessage, from: NetAddress): void => {
    if (core.isStopped()) return;
    switch (msg.type) {
      case "ping":
        if (msg.node && msg.node !== config.name) {
          notes.log("debug", "ping-for-another", "ignoring a ping meant for another node", { node: msg.node, from: formatAddress(from) });
          return;
        }
        if (!mayAnswer()) return;
        sendWithPiggyback(core, replyAddress(msg, from), [{ type: "ack", seqNo: msg.seqNo, payload: delegates.ping?.ackPayload() ?? new Uint8Array() }]);
        return;
      case "indirectPing":
        if (!mayAnswer()) return;
        return relayIndirectPing(core, msg, from);
      case "ack":
        core.acks.handleAck(msg.seqNo, msg.payload);
        return;
      case "nack":
        return core.acks.handleNack(msg.seqNo);
      case "alive":
        return core.table.aliveNode(msg);
      case "suspect":
        return core.table.suspectNode(msg);
      case "dead":
        return core.table.deadNode(msg);
      case "user":
        return delegates.delegate?.notifyMsg(msg.payload);
      case "err":
        return notes.log("warn", "peer-error", "peer reported an error", { from: formatAddress(from), error: msg.error });
      case "pushPull":
        return notes.log("debug", "push-pull-packet", "ignoring a push/pull that came as a packet", { from: formatAddress(from) });
      default:
        return assertNever(msg, "gossip message");
    }
  };

  const onStreamMessage = async (msg: GossipMessage, from: NetAddress): Promise<GossipMessage | undefined> => {
    if (core.isStopped()) return undefined;
    switch (msg.type) {
      case "ping":
        if (msg.node && msg.node !== config.name) return undefined;
        return { type: "ack", seqNo: msg.seqNo, payload: delegates.ping?.ackPayload() ?? new Uint8Array() };
      case "pushPull":
        return answerPushPull(core, msg);
      case "user":
        delegates.delegate?.notifyMsg(msg.payload);
        return undefined;
      default:
        onPacketMessage(msg, from);
        return undefined;
    }
  };

  return { handlers: { onPacketMessage, onStreamMessage }, requestsUnanswered: () => requestsUnanswered };
}

function replyAddress(msg: { sourceAddr?: string; sourcePort?: number }, from: NetAddress): NetAddress {
  return msg.sourceAddr && msg.sourcePort ? { ip: msg.sourceAddr, port: msg.sourcePort } : from;
}
