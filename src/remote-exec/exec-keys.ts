import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * The secrets remote exec is signed with (docs/exec.md, "Authentication"): the gossip keyring
 * (primary first; any key verifies, so a rotation needs no flag day) and the API token. Neither
 * is used as an HMAC key directly: each is first turned into a key of its own for this purpose
 * (HMAC-SHA256 of a fixed label), so a signature can never be replayed as something else.
 */
export interface ExecSecrets {
  /** The gossip keyring's AES keys, primary first; empty without `--encrypt`/`--keyring-file`. */
  gossipKeys: readonly Uint8Array[];
  /** `--api-token` / `--api-token-file`, when set. */
  apiToken?: string;
}

export type ExecKeySource = "gossip-key" | "api-token";

export interface ExecKey {
  source: ExecKeySource;
  /** Wire number of the source (exec-request.ts). */
  sourceId: number;
  hmacKey: Buffer;
}

export const MAC_BYTES = 32;

const SOURCE_IDS: Readonly<Record<ExecKeySource, number>> = { "gossip-key": 1, "api-token": 2 };

export function sourceOfId(id: number): ExecKeySource | undefined {
  if (id === SOURCE_IDS["gossip-key"]) return "gossip-key";
  if (id === SOURCE_IDS["api-token"]) return "api-token";
  return undefined;
}

function derive(secret: Uint8Array | string, source: ExecKeySource): ExecKey {
  return { source, sourceId: SOURCE_IDS[source], hmacKey: createHmac("sha256", secret).update(`satellite remote exec v1 ${source}`).digest() };
}

/** What a requester signs with: the primary gossip key and the API token, each when present. */
export function signingKeys(secrets: ExecSecrets): ExecKey[] {
  const keys: ExecKey[] = [];
  const primary = secrets.gossipKeys[0];
  if (primary !== undefined) keys.push(derive(primary, "gossip-key"));
  if (secrets.apiToken !== undefined) keys.push(derive(secrets.apiToken, "api-token"));
  return keys;
}

/** What a node accepts a signature from: every gossip key and the API token. */
export function verifyingKeys(secrets: ExecSecrets): ExecKey[] {
  const keys = secrets.gossipKeys.map((key) => derive(key, "gossip-key"));
  if (secrets.apiToken !== undefined) keys.push(derive(secrets.apiToken, "api-token"));
  return keys;
}

export function macOf(key: ExecKey, ...parts: readonly (Uint8Array | string)[]): Buffer {
  const hmac = createHmac("sha256", key.hmacKey);
  for (const part of parts) hmac.update(part);
  return hmac.digest();
}

/** Constant-time comparison of two MACs of MAC_BYTES. */
export function sameMac(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === MAC_BYTES && b.length === MAC_BYTES && timingSafeEqual(a, b);
}
