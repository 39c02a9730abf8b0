import { ManualClock } from "../../src/platform/manual-clock.ts";
import { createSeededRandom } from "../../src/platform/random.ts";
import { SimNetwork } from "../../src/membership/sim-net.ts";
import { runGossipNetContract } from "../contract/gossip-net.contract.ts";

runGossipNetContract("simulated network", async () => {
  const clock = new ManualClock();
  const network = new SimNetwork({ clock, random: createSeededRandom(1), link: { delayMs: 2, jitterMs: 3 } });
  const a = network.createNet({ ip: "10.0.0.1", port: 7946 });
  const b = network.createNet({ ip: "10.0.0.2", port: 7946 });
  return {
    a,
    b,
    advance: (ms) => clock.advance(ms),
    cleanup: async () => {
      await a.close();
      await b.close();
    },
  };
});
