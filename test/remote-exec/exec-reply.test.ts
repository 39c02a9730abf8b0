import { describe, expect, test } from "bun:test";
import { signingKeys, verifyingKeys } from "../../src/remote-exec/exec-keys.ts";
import { decodeExecReply, encodeExecReply, type ExecReply } from "../../src/remote-exec/exec-reply.ts";

const KEY = new Uint8Array(16).fill(7);
const [SIGNER] = signingKeys({ gossipKeys: [KEY] });
const VERIFIERS = verifyingKeys({ gossipKeys: [KEY] });
const ID = "00112233445566778899aabbccddeeff";
const REPLY: ExecReply = { id: ID, node: "node-b", outcome: "ran", exitCode: 0, durationMs: 12, stdout: "up 3 days\n", stderr: "", truncated: false };

describe("exec reply", () => {
  test("a signed reply decodes verified, with its fields", () => {
    expect(decodeExecReply(encodeExecReply(REPLY, SIGNER), VERIFIERS, ID)).toEqual({ ok: true, verified: true, reply: { ...REPLY, signal: undefined, timedOut: undefined, reason: undefined } });
  });

  test("an unsigned reply, a reply signed with another key and a tampered one are not verified", () => {
    expect(decodeExecReply(encodeExecReply(REPLY, undefined), VERIFIERS, ID)).toMatchObject({ ok: true, verified: false });
    const other = signingKeys({ gossipKeys: [new Uint8Array(16).fill(8)] })[0];
    expect(decodeExecReply(encodeExecReply(REPLY, other), VERIFIERS, ID)).toMatchObject({ ok: true, verified: false });
    const bytes = encodeExecReply(REPLY, SIGNER);
    const at = Buffer.from(bytes).indexOf("up 3");
    bytes[at] = "U".charCodeAt(0);
    expect(decodeExecReply(bytes, VERIFIERS, ID)).toMatchObject({ ok: true, verified: false });
  });

  test("a reply to another request is refused", () => {
    expect(decodeExecReply(encodeExecReply(REPLY, SIGNER), VERIFIERS, "f".repeat(32))).toEqual({ ok: false, message: "answer is for another request" });
  });

  test("output is cut to fit the limit, stdout first, and marked truncated", () => {
    const big: ExecReply = { ...REPLY, stdout: "o".repeat(2000), stderr: "e".repeat(2000) };
    const bytes = encodeExecReply(big, SIGNER, 800);
    expect(bytes.length).toBeLessThanOrEqual(800);
    expect(bytes.length).toBeGreaterThan(790);
    const decoded = decodeExecReply(bytes, VERIFIERS, ID);
    if (!decoded.ok) throw new Error(decoded.message);
    expect(decoded.verified).toBe(true);
    expect(decoded.reply.truncated).toBe(true);
    expect(decoded.reply.stdout).toMatch(/^o+$/);
    expect(decoded.reply.stderr).toBe("");
  });

  test("escapes and multi-byte characters count at their encoded size; a surrogate pair is never split", () => {
    const text = "\u0001😀".repeat(300);
    for (const limit of [400, 401, 402, 403, 600]) {
      const bytes = encodeExecReply({ ...REPLY, stdout: text }, SIGNER, limit);
      expect(bytes.length).toBeLessThanOrEqual(limit);
      const decoded = decodeExecReply(bytes, VERIFIERS, ID);
      if (!decoded.ok) throw new Error(decoded.message);
      expect(decoded.reply.stdout).not.toMatch(/[\ud800-\udbff]$/);
      expect(decoded.reply.truncated).toBe(true);
    }
  });

  test("a reply that fits keeps its output and is not marked truncated", () => {
    const decoded = decodeExecReply(encodeExecReply({ ...REPLY, stderr: "warning\n" }, SIGNER), VERIFIERS, ID);
    expect(decoded).toMatchObject({ ok: true, reply: { stdout: "up 3 days\n", stderr: "warning\n", truncated: false } });
    // Cut on the node already (outputBytesMax): the mark stays although the rest fits.
    expect(decodeExecReply(encodeExecReply({ ...REPLY, truncated: true }, SIGNER), VERIFIERS, ID)).toMatchObject({ ok: true, reply: { truncated: true } });
  });

  test("hostile answers are refused with the reason", () => {
    expect(decodeExecReply(new Uint8Array([9, 0, 0, 0]), VERIFIERS, ID)).toMatchObject({ ok: false });
    const body = Buffer.from(JSON.stringify({ ...REPLY, outcome: "rm -rf" }));
    const head = Buffer.alloc(3);
    head.writeUInt8(1, 0);
    head.writeUInt16BE(body.length, 1);
    expect(decodeExecReply(Buffer.concat([head, body, Buffer.of(0)]), VERIFIERS, ID)).toEqual({ ok: false, message: "answer body does not have the reply's fields" });
  });
});
