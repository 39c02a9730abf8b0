import { describe, expect, test } from "bun:test";
import { appendWallClock, clockOffsetMs, readWallClock, stripWallClock } from "../../src/cluster/ack-clock.ts";
import { decodeDigestTags, digestOf, encodeDigestTags, probesFromDigest, withoutDigestTags } from "../../src/cluster/health-digest.ts";
import { encodeAckPayload, decodeAckPayload, zeroCoordinate } from "../../src/cluster/serf-wire.ts";

describe("health digest tags", () => {
  test("round trip: status and failing checks with severity", () => {
    const digest = digestOf(
      "degraded",
      [
        { checker: "docker", status: "failed", error: "down" },
        { checker: "ntp", status: "failed", severity: "warning" },
        { checker: "disk", status: "running" },
      ],
    );
    const tags = encodeDigestTags(digest, 400);
    expect(tags).toEqual({ sat: "d", "sat-fail": "docker:c,ntp:w" });
    expect(decodeDigestTags({ role: "node", ...tags })).toEqual(digest);
    expect(withoutDigestTags({ role: "node", ...tags })).toEqual({ role: "node" });
  });

  test("a long failing list is cut to the budget, critical first, with a count of the rest", () => {
    const probes = Array.from({ length: 40 }, (_, i) => ({ checker: `check-number-${i}`, status: "failed" as const, severity: i % 2 ? ("warning" as const) : undefined }));
    const tags = encodeDigestTags(digestOf("degraded", probes), 200);
    const encoded = Object.entries(tags).map(([k, v]) => k.length + v.length + 2).reduce((a, b) => a + b, 0);
    expect(encoded).toBeLessThanOrEqual(200);
    const back = decodeDigestTags(tags);
    expect(back?.failing.every((f) => f.severity === "critical")).toBe(true);
    expect((back?.failing.length ?? 0) + (back?.failingOmitted ?? 0)).toBe(40);
    expect(probesFromDigest(back!).at(-1)?.detail).toMatch(/^\d+ more failing checks/);
  });

  test("members without the tag, or with a malformed one, have no digest", () => {
    expect(decodeDigestTags({ role: "node" })).toBeUndefined();
    expect(decodeDigestTags({ sat: "x;1;2" })).toBeUndefined();
    expect(decodeDigestTags({ sat: "" })).toBeUndefined();
  });

  test("hostile digest tags: prototype keys are no status, bad items are left out, counts are bounded", () => {
    expect(decodeDigestTags({ sat: "constructor" })).toBeUndefined();
    expect(decodeDigestTags({ sat: "__proto__" })).toBeUndefined();
    const digest = decodeDigestTags({ sat: "d", "sat-fail": "docker:c,disk:/var:w,:c,ntp:x,nocolon,+99999999999999999999,+12,bad\u0007name:c" });
    expect(digest).toEqual({
      status: "degraded",
      failing: [
        { checker: "docker", severity: "critical" },
        { checker: "disk:/var", severity: "warning" },
      ],
      failingOmitted: 12,
    });
  });

  test("fields after a ';' are ignored, so a longer form from another version still reads", () => {
    expect(decodeDigestTags({ sat: "r;7;mhx1" })).toEqual({ status: "running", failing: [], failingOmitted: 0 });
    expect(decodeDigestTags({ sat: "u" })?.status).toBe("unknown");
  });
});

describe("wall clock in ack payloads", () => {
  test("rides after serf's coordinate without disturbing it", () => {
    const coordinate = encodeAckPayload(zeroCoordinate());
    const payload = appendWallClock(coordinate, 1_700_000_000_123.5);
    expect(readWallClock(payload)).toBe(1_700_000_000_123.5);
    expect(decodeAckPayload(stripWallClock(payload))).toEqual(zeroCoordinate());
    expect(readWallClock(coordinate)).toBeUndefined();
    expect(readWallClock(new Uint8Array())).toBeUndefined();
  });

  test("offset is corrected by half the round trip", () => {
    expect(clockOffsetMs(10_400, 20, 10_000)).toBe(410);
    expect(clockOffsetMs(9_990, 20, 10_000)).toBe(0);
  });
});
