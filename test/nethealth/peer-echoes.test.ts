import { describe, expect, test } from "bun:test";
import { PeerEchoes } from "../../src/nethealth/peer-echoes.ts";

const options = { windowProbes: 10, timeoutMs: 1000, inFlightMax: 3 };

describe("echoes to one peer", () => {
  test("round trips give p50 and p95; nothing finished yet gives no loss", () => {
    const echoes = new PeerEchoes(options);
    expect(echoes.summary(0).lossPercent).toBeUndefined();
    for (let i = 0; i < 10; i++) {
      echoes.sent(i, i * 1000);
      echoes.replied(i, i * 1000 + (i + 1));
    }
    expect(echoes.summary(10_000)).toEqual({ probesInWindow: 10, lostInWindow: 0, lossPercent: 0, rttP50Ms: 5, rttP95Ms: 10, requestsTotal: 10, repliesTotal: 10, lostTotal: 0, lateRepliesTotal: 0 });
  });

  test("an echo unanswered past the timeout is lost; a reply after that is late and changes nothing", () => {
    const echoes = new PeerEchoes(options);
    echoes.sent(1, 0);
    expect(echoes.summary(999).probesInWindow).toBe(0);
    expect(echoes.summary(1000)).toMatchObject({ probesInWindow: 1, lostInWindow: 1, lossPercent: 100, lostTotal: 1 });
    expect(echoes.replied(1, 1200)).toBe(false);
    expect(echoes.summary(1200)).toMatchObject({ lossPercent: 100, repliesTotal: 0, lateRepliesTotal: 1 });
  });

  test("loss is over the last windowProbes echoes only: a recovered peer is clean after one window", () => {
    const echoes = new PeerEchoes(options);
    let now = 0;
    for (let i = 0; i < 10; i++) echoes.sent(i, (now += 1000));
    expect(echoes.summary((now += 1000)).lossPercent).toBe(100);
    for (let i = 10; i < 15; i++) {
      echoes.sent(i, (now += 1000));
      echoes.replied(i, now + 1);
    }
    expect(echoes.summary(now).lossPercent).toBe(50);
    for (let i = 15; i < 20; i++) {
      echoes.sent(i, (now += 1000));
      echoes.replied(i, now + 1);
    }
    expect(echoes.summary(now)).toMatchObject({ probesInWindow: 10, lossPercent: 0, lostTotal: 10, requestsTotal: 20 });
  });

  test("at most inFlightMax echoes wait: sending past them counts the oldest lost", () => {
    const echoes = new PeerEchoes({ ...options, timeoutMs: 1_000_000 });
    for (let i = 0; i < 5; i++) echoes.sent(i, i);
    expect(echoes.summary(5)).toMatchObject({ probesInWindow: 2, lostInWindow: 2 });
    expect(echoes.replied(0, 6)).toBe(false);
    expect(echoes.replied(4, 6)).toBe(true);
  });

  test("a reply to a seq never sent is counted late", () => {
    const echoes = new PeerEchoes(options);
    expect(echoes.replied(99, 0)).toBe(false);
    expect(echoes.summary(0)).toMatchObject({ lateRepliesTotal: 1, probesInWindow: 0 });
  });
});

test("round trips are reported to the microsecond", () => {
  const echoes = new PeerEchoes(options);
  echoes.sent(1, 0);
  echoes.replied(1, 0.43325300000014977);
  expect(echoes.summary(1).rttP50Ms).toBe(0.433);
});
