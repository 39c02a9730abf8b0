import { systemClock } from "../../src/platform/clock.ts";
import { silentLogger } from "../../src/platform/logger.ts";
import { createKeyring } from "../../src/membership/wire/keyring.ts";
import { createUdpTcpGossipNet } from "../../src/membership/udp-tcp-net.ts";
import { runGossipNetContract } from "../contract/gossip-net.contract.ts";

const makePair = (opts: { compression: boolean; encrypted: boolean }) => async () => {
  const keyring = opts.encrypted ? createKeyring([new Uint8Array(32).fill(7)]) : undefined;
  const common = { bindAddr: "127.0.0.1", bindPort: 0, compression: opts.compression, keyring, logger: silentLogger, clock: systemClock };
  const a = await createUdpTcpGossipNet(common);
  const b = await createUdpTcpGossipNet(common);
  return {
    a,
    b,
    cleanup: async () => {
      await a.close();
      await b.close();
    },
  };
};

runGossipNetContract("udp/tcp, plaintext", makePair({ compression: false, encrypted: false }));
runGossipNetContract("udp/tcp, compressed + encrypted", makePair({ compression: true, encrypted: true }));
