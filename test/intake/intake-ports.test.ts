import { expect, test } from "bun:test";
import { startIntake } from "../../src/intake/intake-server.ts";
import { createMetrics } from "../../src/metrics/index.ts";
import { bunListeningSockets, type ListeningSockets } from "../../src/platform/bun-sockets.ts";
import { createMemoryLogger } from "../../src/platform/logger.ts";
import { ManualClock } from "../../src/platform/manual-clock.ts";
import { createSeededRandom } from "../../src/platform/random.ts";
import { createMemoryHistoryStore } from "../../src/store/memory-history-store.ts";

/** Graphite takes one port for TCP and UDP; with port 0, a port that one of them cannot take is not the end. */
function intakeWith(sockets: ListeningSockets, port: number) {
  return startIntake({
    graphite: { host: "127.0.0.1", port },
    nodeName: "n1",
    flushIntervalMs: 10_000,
    metricsMax: 100,
    clock: new ManualClock(),
    random: createSeededRandom(3),
    logger: createMemoryLogger(),
    sockets,
    metrics: createMetrics(),
    history: createMemoryHistoryStore({ retentionMs: 86_400_000 }),
  });
}

/** Real sockets, except that UDP refuses the first `refusals` ports it is asked for, as if taken. */
function refusingUdp(refusals: number): { sockets: ListeningSockets; udpPorts: number[] } {
  const udpPorts: number[] = [];
  const sockets: ListeningSockets = {
    listenTcp: bunListeningSockets.listenTcp,
    openUdp: async (host, port, onData, onError) => {
      udpPorts.push(port);
      if (udpPorts.length <= refusals) throw Object.assign(new Error(`Failed to bind ${host}:${port}`), { code: "EADDRINUSE" });
      return bunListeningSockets.openUdp(host, port, onData, onError);
    },
  };
  return { sockets, udpPorts };
}

test("graphite with port 0 tries another free port when UDP cannot take the one TCP got", async () => {
  const { sockets, udpPorts } = refusingUdp(2);
  const intake = await intakeWith(sockets, 0);
  try {
    expect(udpPorts).toHaveLength(3);
    expect(intake.graphitePort).toBe(udpPorts[2]);
    // The listeners of the refused attempts were closed: their ports can be listened on again.
    const again = bunListeningSockets.listenTcp("127.0.0.1", udpPorts[0]!, () => ({ onData: () => {}, onClose: () => {} }));
    again.stop();
  } finally {
    await intake.stop();
  }
});

test("graphite on a given port fails at once, naming the port, when UDP cannot take it", async () => {
  const { sockets, udpPorts } = refusingUdp(1);
  const probe = bunListeningSockets.listenTcp("127.0.0.1", 0, () => ({ onData: () => {}, onClose: () => {} }));
  const port = probe.port;
  probe.stop();
  await expect(intakeWith(sockets, port)).rejects.toMatchObject({ code: "INTAKE_LISTEN_FAILED", message: expect.stringContaining(`127.0.0.1:${port} (UDP)`) });
  expect(udpPorts).toEqual([port]);
});
