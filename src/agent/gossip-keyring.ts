import type { ReadinessCheck } from "../api/api-deps.ts";
import { parseHostPort } from "../config/addresses.ts";
import { ConfigError } from "../config/config-error.ts";
import type { AgentConfig } from "../config/load.ts";
import { describeError } from "../platform/errors.ts";
import type { Logger } from "../platform/logger.ts";
import { readRegularTextFile } from "../platform/regular-file.ts";
import { createKeyring, parseKeyBase64, parseKeyringFile, type Keyring } from "../membership/wire/keyring.ts";

/** A serf keyring file holds a few base64 keys; a larger file is not one. */
const KEYRING_FILE_BYTES_MAX = 64 * 1024;

/**
 * The gossip keyring from --encrypt (or --encrypt-file, resolved into it at load) and/or
 * --keyring-file (serf's formats). With both, the --encrypt key is primary (it encrypts) and
 * the file's keys are accepted for rotation. An unusable key or file is a configuration error
 * (exit 2) naming where it came from.
 */
export function loadKeyring(config: AgentConfig, readFile: (path: string) => string = (p) => readRegularTextFile(p, KEYRING_FILE_BYTES_MAX)): Keyring | undefined {
  const keys: Uint8Array[] = [];
  if (config.encrypt) {
    try {
      keys.push(parseKeyBase64(config.encrypt, "--encrypt"));
    } catch (error) {
      throw new ConfigError([{ source: "gossip key", path: "encrypt", message: `${describeError(error)}; make one with \`satellite keygen\`` }]);
    }
  }
  if (config.keyringFile) {
    try {
      keys.push(...parseKeyringFile(readFile(config.keyringFile), `keyring file ${config.keyringFile}`).keys);
    } catch (error) {
      throw new ConfigError([{ source: `keyring file ${config.keyringFile}`, path: "keyringFile", message: `${describeError(error)}; a serf keyring file is a JSON array of base64 keys, primary first` }]);
    }
  }
  // A rotated keyring file holds the --encrypt key too: each key once, first place kept.
  const unique = keys.filter((k, i) => keys.findIndex((other) => Buffer.from(other).equals(k)) === i);
  return unique.length > 0 ? createKeyring(unique) : undefined;
}

/** The /readyz line on gossip encryption: always ok (a default agent must become ready), with a warning when gossip is open. */
export const GOSSIP_ENCRYPTION_CHECK = "gossip-encryption";

/**
 * Gossip without a key on an address beyond loopback lets anyone who reaches the port read
 * every node's health and forge members. Says so once at start, loudly, with what to do, and
 * returns the /readyz line that keeps saying it. A loopback-only agent gets a plain ok line.
 */
export function warnWhenGossipUnencrypted(config: Pick<AgentConfig, "gossipAddr" | "encrypt" | "keyringFile">, logger: Logger): ReadinessCheck {
  const check = gossipEncryptionCheck(config.gossipAddr, Boolean(config.encrypt || config.keyringFile));
  if (check.message) logger.warn(`GOSSIP IS NOT ENCRYPTED: ${check.message}`, { gossipAddr: config.gossipAddr });
  return check;
}

export function gossipEncryptionCheck(gossipAddr: string, encrypted: boolean): ReadinessCheck {
  const bind = parseHostPort(gossipAddr, 7946);
  if (encrypted || (typeof bind !== "string" && isLoopback(bind.host))) return { name: GOSSIP_ENCRYPTION_CHECK, ok: true };
  return {
    name: GOSSIP_ENCRYPTION_CHECK,
    ok: true,
    message:
      `gossip on ${gossipAddr} has no key: anyone who reaches that port reads this cluster's health and can forge members. ` +
      "Make a key once with `umask 077; satellite keygen > /etc/satellite/gossip.key`, copy it to every node and start each agent with `--encrypt-file /etc/satellite/gossip.key`",
  };
}

/** Loopback names and literals; anything else (0.0.0.0, ::, an interface address, a host name) is reachable from the network. */
function isLoopback(host: string): boolean {
  const h = host.toLowerCase();
  return h === "localhost" || h === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || /^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}
