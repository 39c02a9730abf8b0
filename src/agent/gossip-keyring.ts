import { readFileSync } from "node:fs";
import type { AgentConfig } from "../config/load.ts";
import { SatelliteError, describeError } from "../platform/errors.ts";
import { createKeyring, parseKeyBase64, parseKeyringFile, type Keyring } from "../membership/wire/keyring.ts";

/**
 * The gossip keyring from --encrypt and/or --keyring-file (serf's formats). With both, the
 * --encrypt key is primary (it encrypts) and the file's keys are accepted for rotation.
 */
export function loadKeyring(config: AgentConfig, readFile: (path: string) => string = (p) => readFileSync(p, "utf8")): Keyring | undefined {
  const keys: Uint8Array[] = [];
  try {
    if (config.encrypt) keys.push(parseKeyBase64(config.encrypt, "--encrypt"));
    if (config.keyringFile) keys.push(...parseKeyringFile(readFile(config.keyringFile), `keyring file ${config.keyringFile}`).keys);
  } catch (error) {
    throw new SatelliteError("GOSSIP_KEY_INVALID", describeError(error), {
      hint: "--encrypt takes base64 of 16, 24 or 32 bytes; the keyring file is a JSON array of such keys, primary first",
      cause: error,
    });
  }
  return keys.length > 0 ? createKeyring(keys) : undefined;
}
