import { SatelliteError } from "../../platform/errors.ts";

/**
 * The gossip encryption keyring: AES keys of 16, 24 or 32 bytes. The first (primary) key
 * encrypts, every key is tried to decrypt, so keys can be rotated without a flag day.
 */
export interface Keyring {
  /** Primary first. Never empty. */
  readonly keys: readonly Uint8Array[];
}

const KEY_SIZES = [16, 24, 32];

export function createKeyring(keys: readonly Uint8Array[], source = "keyring"): Keyring {
  if (keys.length === 0) {
    throw new SatelliteError("KEYRING_INVALID", `${source}: the keyring has no keys`, {
      hint: "give at least one base64 key (generate one with `serf keygen` or `head -c 32 /dev/urandom | base64`)",
    });
  }
  keys.forEach((k, i) => {
    if (!KEY_SIZES.includes(k.length)) {
      throw new SatelliteError("KEYRING_INVALID", `${source}: key #${i + 1} is ${k.length} bytes; AES keys are 16, 24 or 32 bytes`, {
        hint: "generate a valid key with `serf keygen` or `head -c 32 /dev/urandom | base64`",
      });
    }
  });
  return { keys: keys.map((k) => k.slice()) };
}

/** Parses one base64 key (standard alphabet, as `serf keygen` prints it). */
export function parseKeyBase64(text: string, source = "encryption key"): Uint8Array {
  const trimmed = text.trim();
  if (trimmed === "" || !/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) || trimmed.length % 4 !== 0) {
    throw new SatelliteError("KEYRING_INVALID", `${source}: not valid base64`, {
      hint: "use the exact output of `serf keygen` (44 characters for a 32-byte key)",
    });
  }
  const key = new Uint8Array(Buffer.from(trimmed, "base64"));
  if (!KEY_SIZES.includes(key.length)) {
    throw new SatelliteError("KEYRING_INVALID", `${source}: decodes to ${key.length} bytes; AES keys are 16, 24 or 32 bytes`, {
      hint: "use the exact output of `serf keygen` (44 characters for a 32-byte key)",
    });
  }
  return key;
}

/** A serf keyring file: a JSON array of base64 keys, primary first. */
export function parseKeyringFile(jsonText: string, source = "keyring file"): Keyring {
  let parsed: unknown;
  try {
    parsed = JSON.parse(jsonText);
  } catch (error) {
    throw new SatelliteError("KEYRING_INVALID", `${source}: not valid JSON`, {
      hint: 'a serf keyring file is a JSON array of base64 keys, e.g. ["key1=", "key2="]',
      cause: error,
    });
  }
  if (!Array.isArray(parsed) || !parsed.every((k) => typeof k === "string")) {
    throw new SatelliteError("KEYRING_INVALID", `${source}: expected a JSON array of base64 strings`, {
      hint: 'a serf keyring file is a JSON array of base64 keys, e.g. ["key1=", "key2="]',
    });
  }
  const keys = (parsed as string[]).map((k, i) => parseKeyBase64(k, `${source} key #${i + 1}`));
  return createKeyring(keys, source);
}

/** The keyring file contents serf writes: JSON array of base64 keys, primary first. */
export function formatKeyringFile(keyring: Keyring): string {
  return JSON.stringify(keyring.keys.map((k) => Buffer.from(k).toString("base64")));
}
