import { describe, expect, test } from "bun:test";
import { PeerMeasurements } from "../../src/cluster/peer-measurements.ts";

describe("PeerMeasurements", () => {
  test("p50 and p95 RTT over a bounded window, newest samples win", () => {
    const m = new PeerMeasurements({ rttWindow: 20, lossWindow: 10 });
    for (let i = 1; i <= 100; i++) m.recordAck("b", i, i);
    const [b] = m.snapshot();
    expect(b?.rttSamples).toBe(20);
    expect(b?.p50RttMs).toBe(90);
    expect(b?.p95RttMs).toBe(99);
  });

  test("loss is only reported once the window is full", () => {
    const m = new PeerMeasurements({ rttWindow: 5, lossWindow: 10 });
    for (let i = 0; i < 7; i++) m.recordAck("b", 1, i);
    m.recordMiss("b", 8);
    expect(m.snapshot()[0]?.lossPercent).toBeUndefined();
    m.recordMiss("b", 9);
    m.recordMiss("b", 10);
    expect(m.snapshot()[0]?.lossPercent).toBe(30);
  });

  test("clock offset is kept from the last ack that carried one; forget drops the peer", () => {
    const m = new PeerMeasurements();
    m.recordAck("a", 1, 1, 450);
    m.recordAck("a", 1, 2);
    expect(m.snapshot()[0]?.clockOffsetMs).toBe(450);
    m.forget("a");
    expect(m.snapshot()).toEqual([]);
  });
});
