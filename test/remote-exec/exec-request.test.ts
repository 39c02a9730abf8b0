import { describe, expect, test } from "bun:test";
import { signingKeys, verifyingKeys, type ExecSecrets } from "../../src/remote-exec/exec-keys.ts";
import { EXEC_REQUEST_BYTES_MAX, encodeExecRequest, verifyExecRequest, type ExecRequest } from "../../src/remote-exec/exec-request.ts";
import { createReplayGuard } from "../../src/remote-exec/exec-replay-guard.ts";

const KEY_A = new Uint8Array(32).fill(1);
const KEY_B = new Uint8Array(32).fill(2);
const TOKEN = "cluster-api-token-0123456789";

const REQUEST: ExecRequest = { id: "0123456789abcdef0123456789abcdef", issuedAtMs: 1_700_000_000_000, origin: "node-a", caller: "api 127.0.0.1 loopback", argv: ["systemctl", "status", "kubelet"], timeoutMs: 10_000 };

function signed(secrets: ExecSecrets, request: ExecRequest = REQUEST): Uint8Array {
  return encodeExecRequest(request, signingKeys(secrets));
}

describe("exec request signing", () => {
  test("a request signed with the gossip primary verifies with any keyring that holds that key", () => {
    const result = verifyExecRequest(signed({ gossipKeys: [KEY_A] }), verifyingKeys({ gossipKeys: [KEY_B, KEY_A] }));
    expect(result).toMatchObject({ ok: true, request: REQUEST, key: { source: "gossip-key" } });
  });

  test("a request signed with a key and the token verifies on a node that has only the token", () => {
    const bytes = signed({ gossipKeys: [KEY_A], apiToken: TOKEN });
    expect(verifyExecRequest(bytes, verifyingKeys({ gossipKeys: [], apiToken: TOKEN }))).toMatchObject({ ok: true, key: { source: "api-token" } });
  });

  test("the wrong key, the wrong token and no key at all are refused as a bad signature, naming the sources", () => {
    const bytes = signed({ gossipKeys: [KEY_A], apiToken: TOKEN });
    const wrongKey = verifyExecRequest(bytes, verifyingKeys({ gossipKeys: [KEY_B] }));
    expect(wrongKey).toMatchObject({ ok: false, reason: "bad-signature", message: "signed with gossip-key and api-token, none of which matches this node's gossip-key" });
    expect(verifyExecRequest(bytes, verifyingKeys({ gossipKeys: [], apiToken: `${TOKEN}x` }))).toMatchObject({ ok: false, reason: "bad-signature" });
    expect(verifyExecRequest(bytes, [])).toMatchObject({ ok: false, reason: "bad-signature", message: expect.stringContaining("keys (none)") });
  });

  test("a MAC made with the gossip key does not pass as a token MAC", () => {
    // Same secret bytes used as both kinds of key: the derivations differ, so the source byte matters.
    const secretText = Buffer.from(KEY_A).toString("latin1");
    const bytes = encodeExecRequest(REQUEST, signingKeys({ gossipKeys: [KEY_A] }));
    expect(verifyExecRequest(bytes, verifyingKeys({ gossipKeys: [], apiToken: secretText })).ok).toBe(false);
  });

  test("every tampered byte is refused", () => {
    const bytes = signed({ gossipKeys: [KEY_A] });
    const keys = verifyingKeys({ gossipKeys: [KEY_A] });
    for (let i = 0; i < bytes.length; i++) {
      const copy = bytes.slice();
      copy[i] = (copy[i] as number) ^ 0x20;
      expect(verifyExecRequest(copy, keys).ok).toBe(false);
    }
  });

  test("oversize, truncated and malformed requests are refused with the reason", () => {
    const keys = verifyingKeys({ gossipKeys: [KEY_A] });
    const bytes = signed({ gossipKeys: [KEY_A] });
    expect(verifyExecRequest(new Uint8Array(EXEC_REQUEST_BYTES_MAX + 1), keys)).toMatchObject({ ok: false, reason: "oversize" });
    expect(verifyExecRequest(bytes.subarray(0, bytes.length - 1), keys)).toMatchObject({ ok: false, reason: "malformed" });
    expect(verifyExecRequest(new Uint8Array([1, 0xff, 0xff, 0]), keys)).toMatchObject({ ok: false, reason: "malformed", message: "body length past the end" });
    expect(verifyExecRequest(new Uint8Array([2, 0, 0, 0]), keys)).toMatchObject({ ok: false, reason: "malformed" });
  });

  test("the encoder refuses what a node would refuse, and requests over a query's size", () => {
    const keys = signingKeys({ gossipKeys: [KEY_A] });
    expect(() => encodeExecRequest({ ...REQUEST, argv: [] }, keys)).toThrow("argv must have 1 to 32 words");
    expect(() => encodeExecRequest({ ...REQUEST, argv: ["ls", "a\nb"] }, keys)).toThrow("control characters");
    expect(() => encodeExecRequest({ ...REQUEST, timeoutMs: 0 }, keys)).toThrow("timeoutMs");
    expect(() => encodeExecRequest({ ...REQUEST, argv: Array.from({ length: 4 }, () => "x".repeat(200)) }, keys)).toThrow(`over the ${EXEC_REQUEST_BYTES_MAX} a query carries`);
    expect(() => encodeExecRequest(REQUEST, [])).toThrow("no key to sign with");
    expect(() => encodeExecRequest({ ...REQUEST, origin: "n\u0085" }, keys)).toThrow("origin must be a member name");
    // Any member name is an origin, up to memberlist's 255 bytes.
    const longName = "n".repeat(255);
    expect(verifyExecRequest(encodeExecRequest({ ...REQUEST, origin: longName }, keys), verifyingKeys({ gossipKeys: [KEY_A] }))).toMatchObject({ ok: true, request: { origin: longName } });
  });
});

describe("exec replay guard", () => {
  test("a request is admitted once; a replay within the window is refused", () => {
    let now = 1_000_000;
    const guard = createReplayGuard({ nowMs: () => now, windowMs: 30_000 });
    expect(guard.admit("a", now)).toEqual({ ok: true });
    now += 10_000;
    expect(guard.admit("a", now - 10_000)).toMatchObject({ ok: false, reason: "replayed" });
    expect(guard.admit("b", now)).toEqual({ ok: true });
  });

  test("requests signed outside the window, before or after, are expired", () => {
    const now = 1_000_000;
    const guard = createReplayGuard({ nowMs: () => now, windowMs: 30_000 });
    expect(guard.admit("old", now - 30_001)).toMatchObject({ ok: false, reason: "expired", message: expect.stringContaining("signed 30.0s ago; accepted within 30s") });
    expect(guard.admit("future", now + 30_001)).toMatchObject({ ok: false, reason: "expired", message: expect.stringContaining("in the future") });
    expect(guard.admit("edge", now - 30_000)).toEqual({ ok: true });
  });

  test("the id cache is bounded: full within the window refuses, old ids make room once expired", () => {
    let now = 1_000_000;
    const guard = createReplayGuard({ nowMs: () => now, windowMs: 30_000, idsMax: 2 });
    expect(guard.admit("a", now).ok).toBe(true);
    expect(guard.admit("b", now).ok).toBe(true);
    expect(guard.admit("c", now)).toMatchObject({ ok: false, reason: "replay-cache-full" });
    now += 30_001;
    expect(guard.admit("c", now).ok).toBe(true);
  });
});
