import type { NetAddress } from "../membership/gossip-net.ts";
import type { KvMessage } from "./kv-messages.ts";
import { decodeKvMessage } from "./kv-wire.ts";

/** Change notices taken per second at most; the rest are dropped and counted (listeners re-read anyway). */
export const NOTICES_PER_SECOND_MAX = 1000;

export type KvNotice = Extract<KvMessage, { type: "kvNotice" }>;

/**
 * The receiving side of change notices: packets a coordinator sends to the nodes that hold no
 * replica of a key it wrote, so their listeners (generators) follow it. Only from key-value
 * nodes' addresses, at most NOTICES_PER_SECOND_MAX per second; anything else is dropped and counted.
 */
export function createNoticeReceiver(deps: { monotonicMs: () => number; isKvNode: (from: NetAddress) => boolean; onNotice: (notice: KvNotice) => void }) {
  const counts = { malformed: 0, dropped: 0 };
  let windowStartMs = Number.NEGATIVE_INFINITY;
  let inWindow = 0;
  return {
    counts,
    /** Called from the receive path: never throws. */
    receive(payload: Uint8Array, from: NetAddress): void {
      let message: KvMessage;
      try {
        message = decodeKvMessage(payload);
      } catch {
        counts.malformed++;
        return;
      }
      const now = deps.monotonicMs();
      if (now - windowStartMs >= 1000) {
        windowStartMs = now;
        inWindow = 0;
      }
      if (message.type !== "kvNotice" || !deps.isKvNode(from) || ++inWindow > NOTICES_PER_SECOND_MAX) {
        counts.dropped++;
        return;
      }
      deps.onNotice(message);
    },
  };
}
