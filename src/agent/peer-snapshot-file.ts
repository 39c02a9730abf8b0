import type { KnownPeer, MemberSnapshotStore } from "../cluster/serf-snapshot.ts";
import { readJsonFile, writeJsonFileAtomic } from "../platform/json-file.ts";
import type { Logger } from "../platform/logger.ts";

/** Known peers in `<state dir>/peers.json`, so a restarted agent rejoins its cluster by itself. */
export function createPeerSnapshotFile(path: string, logger: Logger): MemberSnapshotStore {
  return {
    async load() {
      try {
        const value = await readJsonFile(path);
        if (value === undefined) return [];
        if (!Array.isArray(value)) throw new Error("expected a JSON array of {name, addr, port}");
        return value.filter((p): p is KnownPeer => typeof p?.name === "string" && typeof p?.addr === "string" && Number.isInteger(p?.port));
      } catch (error) {
        logger.warn("ignoring unreadable known-peers file; peers will not be rejoined automatically", { path, error });
        return [];
      }
    },
    save: (peers) => writeJsonFileAtomic(path, peers),
  };
}
