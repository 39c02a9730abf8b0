import { describe, expect, test } from "bun:test";
import { AnswerRateLimiter, clientNetwork } from "../../src/dns/answer-rate-limit.ts";

describe("UDP answer rate per client network", () => {
  test("a burst of one second's worth, then every second limited answer slips (TC) and the others drop; time refills", () => {
    const limiter = new AnswerRateLimiter({ answersPerSecond: 4, slip: 2, networksMax: 10 });
    const decisions = Array.from({ length: 8 }, () => limiter.decide("192.0.2.1", 0));
    expect(decisions).toEqual(["answer", "answer", "answer", "answer", "drop", "slip", "drop", "slip"]);
    // 250 ms at 4/s is one more answer, for the whole /24.
    expect(limiter.decide("192.0.2.9", 250)).toBe("answer");
    expect(limiter.decide("192.0.2.1", 250)).toBe("drop");
    expect(limiter.decide("192.0.2.1", 250)).toBe("slip");
  });

  test("one network's flood does not limit another; slip 0 drops everything over the rate", () => {
    const limiter = new AnswerRateLimiter({ answersPerSecond: 1, slip: 0, networksMax: 10 });
    expect(limiter.decide("192.0.2.1", 0)).toBe("answer");
    expect([limiter.decide("192.0.2.200", 0), limiter.decide("192.0.2.7", 0)]).toEqual(["drop", "drop"]);
    expect(limiter.decide("198.51.100.1", 0)).toBe("answer");
    expect(limiter.decide("2001:db8:1:2ff::1", 0)).toBe("answer");
    expect(limiter.decide("2001:db8:1:200::9", 0)).toBe("drop");
  });

  test("forged sources cannot grow the table: past networksMax active networks share one bucket", () => {
    const limiter = new AnswerRateLimiter({ answersPerSecond: 2, slip: 0, networksMax: 100 });
    const outcomes = Array.from({ length: 1000 }, (_, i) => limiter.decide(`10.${i >> 8}.${i & 255}.1`, 0));
    expect(limiter.trackedNetworks()).toBeLessThanOrEqual(100);
    // The first 99 networks are answered once each; the other 901 share one bucket of 2.
    expect(outcomes.filter((d) => d === "answer").length).toBe(99 + 2);
    // Idle networks are forgotten when room is needed.
    expect(limiter.decide("203.0.113.1", 5000)).toBe("answer");
    expect(limiter.trackedNetworks()).toBeLessThanOrEqual(100);
  });

  test.each([
    ["192.0.2.77", "192.0.2.0/24"],
    ["2001:db8::1", "2001:0db8:0000:0000::/56"],
    ["2001:db8:aa:bbcc::1", "2001:0db8:00aa:bb00::/56"],
    ["::1", "0000:0000:0000:0000::/56"],
    ["fe80::1%eth0", "fe80:0000:0000:0000::/56"],
    ["1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7:8:9"],
    ["not-an-ip", "not-an-ip"],
  ])("%s is in network %s", (ip, network) => {
    expect(clientNetwork(ip)).toBe(network);
  });
});
