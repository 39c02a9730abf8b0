import { describe, expect, test } from "bun:test";
import { createCipheriv } from "node:crypto";
import { secureRandomBytes } from "../../src/platform/secure-random.ts";
import {
  createKeyring,
  decryptPayload,
  encryptPayload,
  formatKeyringFile,
  parseKeyBase64,
  parseKeyringFile,
  WireError,
} from "../../src/membership/wire/index.ts";
import { SatelliteError } from "../../src/platform/errors.ts";

const k16 = new Uint8Array(16).fill(1);
const k24 = new Uint8Array(24).fill(2);
const k32 = new Uint8Array(32).fill(3);
const fixedNonce = (n: number): Uint8Array => new Uint8Array(n).fill(9);

describe("keyring", () => {
  test("parses serf keygen output and keyring files", () => {
    const b64 = Buffer.from(k32).toString("base64");
    expect(parseKeyBase64(b64)).toEqual(k32);
    const ring = parseKeyringFile(JSON.stringify([b64, Buffer.from(k16).toString("base64")]));
    expect(ring.keys.length).toBe(2);
    expect(ring.keys[0]).toEqual(k32);
    expect(parseKeyringFile(formatKeyringFile(ring)).keys).toEqual(ring.keys);
  });

  test("clear errors for bad input", () => {
    const bad = ["", "not base64!", Buffer.from(new Uint8Array(15)).toString("base64"), "YWJj"];
    for (const b of bad) {
      let err: unknown;
      try {
        parseKeyBase64(b, "-encrypt");
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(SatelliteError);
      expect((err as SatelliteError).code).toBe("KEYRING_INVALID");
      expect((err as SatelliteError).message).toContain("-encrypt");
      expect((err as SatelliteError).hint).toBeTruthy();
    }
    expect(() => parseKeyringFile("{")).toThrow(SatelliteError);
    expect(() => parseKeyringFile('{"a":1}')).toThrow(SatelliteError);
    expect(() => parseKeyringFile("[]")).toThrow(SatelliteError);
    expect(() => createKeyring([new Uint8Array(20)])).toThrow(SatelliteError);
  });
});

describe("AES-GCM payloads", () => {
  test("version 1 layout: [1][nonce 12][ciphertext][tag 16], 29 bytes overhead", () => {
    const ring = createKeyring([k16]);
    const plain = new TextEncoder().encode("hello");
    const sealed = encryptPayload(ring, plain, new Uint8Array(0), fixedNonce);
    expect(sealed.length).toBe(plain.length + 29);
    expect(sealed[0]).toBe(1);
    expect(Array.from(sealed.subarray(1, 13))).toEqual(new Array(12).fill(9));
    // Independent check against node:crypto directly.
    const c = createCipheriv("aes-128-gcm", k16, fixedNonce(12));
    const ct = Buffer.concat([c.update(plain), c.final(), c.getAuthTag()]);
    expect(Array.from(sealed.subarray(13))).toEqual(Array.from(ct));
  });

  test("round trip with every key size; any key in the ring decrypts", () => {
    for (const k of [k16, k24, k32]) {
      const sender = createKeyring([k]);
      const receiver = createKeyring([k16.map((x) => x ^ 0xff), k]);
      const plain = secureRandomBytes(100);
      const aad = Uint8Array.from([10, 0, 0, 0, 129]);
      expect(decryptPayload(receiver, encryptPayload(sender, plain, aad, secureRandomBytes), aad)).toEqual(plain);
    }
  });

  test("wrong key, wrong AAD, tampering and short input are rejected", () => {
    const ring = createKeyring([k32]);
    const other = createKeyring([k24]);
    const sealed = encryptPayload(ring, Uint8Array.from([1, 2, 3]), new Uint8Array(0), secureRandomBytes);
    expect(() => decryptPayload(other, sealed)).toThrow(WireError);
    expect(() => decryptPayload(ring, sealed, Uint8Array.from([1]))).toThrow(WireError);
    const tampered = sealed.slice();
    tampered[14] = (tampered[14] as number) ^ 1;
    expect(() => decryptPayload(ring, tampered)).toThrow(WireError);
    expect(() => decryptPayload(ring, sealed.subarray(0, 20))).toThrow(WireError);
    expect(() => decryptPayload(ring, Uint8Array.from([2, ...sealed.subarray(1)]))).toThrow(WireError);
  });

  test("version 0 (PKCS7 padded) payloads from protocol-1 peers are accepted", () => {
    const plain = new TextEncoder().encode("padme");
    const padded = Buffer.concat([Buffer.from(plain), Buffer.alloc(11, 11)]);
    const c = createCipheriv("aes-256-gcm", k32, fixedNonce(12));
    const ct = Buffer.concat([c.update(padded), c.final(), c.getAuthTag()]);
    const msg = Uint8Array.from([0, ...fixedNonce(12), ...ct]);
    expect(decryptPayload(createKeyring([k32]), msg)).toEqual(plain);
  });
});
