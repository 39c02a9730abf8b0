import { SatelliteError, describeError } from "../platform/errors.ts";
import { addressOf, type MembershipCore } from "./core.ts";
import { formatAddress, type NetAddress } from "./gossip-net.ts";
import type { ClaimSource } from "./claim-filter.ts";
import type { PushPullMessage } from "./messages.ts";

export function localPushPull(core: MembershipCore, join: boolean): PushPullMessage {
  const userState = core.delegates.delegate?.localState(join) ?? new Uint8Array();
  return { type: "pushPull", join, nodes: core.table.localState(), userState };
}

/**
 * `join` is the flag of the exchange (the initiator's), which the reply echoes. `source` is
 * "reply" when we started the exchange (see ClaimSource).
 */
export function mergePushPull(core: MembershipCore, remote: PushPullMessage, join: boolean, source: Exclude<ClaimSource, "local">): void {
  core.table.mergeRemote(remote.nodes, source);
  if (remote.userState.length > 0) core.delegates.delegate?.mergeRemoteState(remote.userState, join);
}

/** Full state exchange with `to` over a stream; rejects with a SatelliteError naming the peer. */
export async function pushPullWith(core: MembershipCore, to: NetAddress, join: boolean, timeoutMs = core.config.tcpTimeoutMs): Promise<void> {
  const target = formatAddress(to);
  let reply;
  try {
    reply = await core.net.sendStream(to, localPushPull(core, join), { timeoutMs, expectReply: true });
  } catch (error) {
    throw new SatelliteError("push_pull_failed", `state exchange with ${target} failed: ${describeError(error)}`, {
      hint: "check that the peer runs and that TCP to its gossip port is allowed",
      cause: error,
    });
  }
  if (reply?.type !== "pushPull") {
    throw new SatelliteError("push_pull_bad_reply", `state exchange with ${target} got ${reply?.type ?? "no"} reply instead of pushPull`, {
      hint: "the peer may speak another protocol on this port",
    });
  }
  mergePushPull(core, reply, join, "reply");
  core.pushPulls.outbound++;
}

/**
 * The responder side. Unlike memberlist we merge before answering: if the initiator said we
 * are dead, our reply already carries the refutation, which heals partitions one round sooner.
 */
export function answerPushPull(core: MembershipCore, remote: PushPullMessage): PushPullMessage {
  mergePushPull(core, remote, remote.join, "gossip");
  core.pushPulls.inbound++;
  return localPushPull(core, remote.join);
}

/** Periodic anti-entropy with one random alive peer. */
export async function periodicPushPull(core: MembershipCore): Promise<void> {
  const [peer] = core.table.randomNodes(1, (n) => n.name !== core.table.localName && n.state === "alive");
  if (!peer) return;
  try {
    await pushPullWith(core, addressOf(peer), false);
  } catch (error) {
    core.notes.log("warn", "push-pull-failed", "periodic push/pull failed", { node: peer.name, error: describeError(error) });
  }
}
