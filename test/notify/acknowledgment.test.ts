import { describe, expect, test } from "bun:test";
import { ACK_PAYLOAD_BYTES_MAX, decodeAcknowledgment, encodeAcknowledgments, type AckEntry } from "../../src/notify/acknowledgment.ts";

const entry = (i: number): AckEntry => ({ subjectId: i.toString(16).padStart(12, "0"), state: (["running", "failed", "degraded", "left"] as const)[i % 4]!, key: i.toString(16).padStart(20, "a") });

describe("acknowledgments", () => {
  test("round trip, split into payloads that fit serf's user event limit", () => {
    const entries = Array.from({ length: 40 }, (_, i) => entry(i));
    const payloads = encodeAcknowledgments("0123abcd", entries);
    expect(payloads.length).toBeGreaterThan(1);
    for (const p of payloads) expect(Buffer.byteLength(p)).toBeLessThanOrEqual(ACK_PAYLOAD_BYTES_MAX);
    expect(payloads.flatMap((p) => decodeAcknowledgment(p)?.entries ?? [])).toEqual(entries);
    expect(decodeAcknowledgment(payloads[0]!)?.notifierId).toBe("0123abcd");
  });

  test("anything that is not exactly an acknowledgment is refused whole", () => {
    const good = encodeAcknowledgments("0123abcd", [entry(1)])[0]!;
    for (const bad of ["", "hello", good.replace("1 ", "2 "), `${good} junk`, good.replace(/r|f|d|l(?=[0-9a-f]{20}$)/, "x"), `${good} ${"0".repeat(ACK_PAYLOAD_BYTES_MAX)}`, good.toUpperCase()]) {
      expect(decodeAcknowledgment(bad)).toBeUndefined();
    }
  });
});
