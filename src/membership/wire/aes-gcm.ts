import { createCipheriv, createDecipheriv } from "node:crypto";
import type { SecureRandomBytes } from "../../platform/secure-random.ts";
import type { Keyring } from "./keyring.ts";
import { WireError } from "./wire-error.ts";

/**
 * memberlist's payload encryption: `[version][nonce 12][ciphertext][tag 16]`, AES-GCM with
 * the key size picking AES-128/192/256. Version 1 (what serf speaks at protocol >= 2) has no
 * padding; version 0 (protocol 1) PKCS7-pads the plaintext. We send version 1 and accept both.
 */
const NONCE_SIZE = 12;
const TAG_SIZE = 16;
const EMPTY = new Uint8Array(0);

function algorithm(key: Uint8Array): "aes-128-gcm" | "aes-192-gcm" | "aes-256-gcm" {
  if (key.length === 16) return "aes-128-gcm";
  if (key.length === 24) return "aes-192-gcm";
  return "aes-256-gcm";
}

export function encryptPayload(keyring: Keyring, plain: Uint8Array, aad: Uint8Array, random: SecureRandomBytes): Uint8Array {
  const key = keyring.keys[0] as Uint8Array;
  const nonce = random(NONCE_SIZE);
  const cipher = createCipheriv(algorithm(key), key, nonce);
  if (aad.length > 0) cipher.setAAD(aad);
  const ct = Buffer.concat([cipher.update(plain), cipher.final()]);
  const tag = cipher.getAuthTag();
  const out = new Uint8Array(1 + NONCE_SIZE + ct.length + TAG_SIZE);
  out[0] = 1;
  out.set(nonce, 1);
  out.set(ct, 1 + NONCE_SIZE);
  out.set(tag, 1 + NONCE_SIZE + ct.length);
  return out;
}

/** Tries every key; throws WireError("decrypt_failed") when none opens the payload. */
export function decryptPayload(keyring: Keyring, msg: Uint8Array, aad: Uint8Array = EMPTY): Uint8Array {
  if (msg.length === 0) throw new WireError("encrypted payload is empty", "decrypt_failed");
  const vsn = msg[0] as number;
  if (vsn > 1) throw new WireError(`unsupported encryption version ${vsn}`, "decrypt_failed");
  const minLen = 1 + NONCE_SIZE + TAG_SIZE + (vsn === 0 ? 16 : 0);
  if (msg.length < minLen) throw new WireError(`payload of ${msg.length} bytes is too small to decrypt`, "decrypt_failed");
  const nonce = msg.subarray(1, 1 + NONCE_SIZE);
  const ct = msg.subarray(1 + NONCE_SIZE, msg.length - TAG_SIZE);
  const tag = msg.subarray(msg.length - TAG_SIZE);
  for (const key of keyring.keys) {
    let plain: Uint8Array;
    try {
      const d = createDecipheriv(algorithm(key), key, nonce);
      if (aad.length > 0) d.setAAD(aad);
      d.setAuthTag(tag);
      plain = new Uint8Array(Buffer.concat([d.update(ct), d.final()]));
    } catch {
      continue;
    }
    return vsn === 0 ? pkcs7Unpad(plain) : plain;
  }
  throw new WireError("no key in the keyring decrypts this payload", "decrypt_failed");
}

function pkcs7Unpad(buf: Uint8Array): Uint8Array {
  const pad = buf.length > 0 ? (buf[buf.length - 1] as number) : 0;
  if (pad < 1 || pad > 16 || pad > buf.length) throw new WireError(`invalid PKCS7 padding length ${pad}`, "decrypt_failed");
  return buf.subarray(0, buf.length - pad);
}
