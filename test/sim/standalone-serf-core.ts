import { defaultSerfConfig } from "../../src/cluster/serf-config.ts";
import { SerfCore } from "../../src/cluster/serf-core.ts";
import { lanConfig } from "../../src/membership/config-presets.ts";
import { silentLogger } from "../../src/platform/logger.ts";
import { jsonSerfCodec, jsonTagCodec } from "./stand-in-codecs.ts";

/** serf's state and queues for node-0 of a 3-node cluster, with no network: messages go in through notifyMsg, out through the queues. */
export function standaloneSerfCore(onQueued: () => void = () => {}): SerfCore {
  return new SerfCore({
    config: defaultSerfConfig(lanConfig("node-0")),
    codec: jsonSerfCodec,
    tagCodec: jsonTagCodec,
    logger: silentLogger,
    nowMs: () => 0,
    numNodes: () => 3,
    emit: () => {},
    isLeaving: () => false,
    onQueued,
  });
}
