import { describeError, SatelliteError } from "../platform/errors.ts";
import { ConfigError } from "./config-error.ts";
import { describeSource, type LayeredConfig, type ValueSource } from "./sources.ts";

/** A key is one line of at most 44 characters; a file larger than this is not a key file. */
export const ENCRYPT_FILE_BYTES_MAX = 4096;

const KEY_BYTES = [16, 24, 32];

const SOURCE_RANK: Record<ValueSource["kind"], number> = { flag: 3, env: 2, file: 1, default: 0 };

/**
 * Replaces `encryptFile` in the merged configuration by the gossip key the file holds
 * (`encrypt`: the first line, trimmed, as `satellite keygen > FILE` writes it), before
 * validation. A file keeps the key out of the process list, where an `--encrypt` value is
 * visible to every local user. When both are set, the one from the stronger source wins
 * (flags > env > file); both from the same source is an error. Errors name the file.
 */
export function resolveEncryptFile(layered: LayeredConfig, readFile: (path: string, bytesMax: number) => string): void {
  const path = layered.raw.encryptFile;
  if (path === undefined) return;
  const fileSource = layered.sources.get("encryptFile") ?? { kind: "default" };
  delete layered.raw.encryptFile;
  layered.sources.delete("encryptFile");
  const problem = (message: string) => new ConfigError([{ source: describeSource(fileSource), path: "encryptFile", message }]);
  if (typeof path !== "string" || path === "") throw problem("expected the path of a file whose first line is the gossip key");
  const keySource = layered.sources.get("encrypt");
  if (keySource) {
    const keyRank = SOURCE_RANK[keySource.kind];
    const fileRank = SOURCE_RANK[fileSource.kind];
    if (keyRank === fileRank) throw problem("encrypt is set there too; set only one of them (prefer the file: it keeps the key out of the process list)");
    if (keyRank > fileRank) return;
  }
  let text: string;
  try {
    text = readFile(path, ENCRYPT_FILE_BYTES_MAX);
  } catch (error) {
    const hint = error instanceof SatelliteError && error.hint ? `; ${error.hint}` : "";
    throw problem(`gossip key file ${path}: cannot read it: ${describeError(error)}${hint}`);
  }
  const key = (text.split(/\r?\n/, 1)[0] ?? "").trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(key) || key.length % 4 !== 0 || !KEY_BYTES.includes(Buffer.from(key, "base64").length)) {
    // The key itself is never echoed: the message says what shape was expected.
    throw problem(`gossip key file ${path}: its first line is not base64 of a 16, 24 or 32-byte key; put the cluster's key there (every node needs the same one, made once with \`satellite keygen\` or \`serf keygen\`)`);
  }
  layered.raw.encrypt = key;
  layered.sources.set("encrypt", fileSource);
}
