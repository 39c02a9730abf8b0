import { describeError, SatelliteError } from "../platform/errors.ts";
import { ConfigError } from "./config-error.ts";
import { describeSource, type LayeredConfig, type ValueSource } from "./sources.ts";

/** A token is one short line; a file larger than this is not a token file. */
export const TOKEN_FILE_BYTES_MAX = 4096;

/** Reads a regular file of at most `bytesMax` bytes; throws naming the file otherwise. */
export type ReadTextFile = (path: string, bytesMax: number) => string;

/**
 * The API token from a file: its first line, trimmed. A file keeps the token out of the
 * process list, where a `--api-token` value is visible to every local user. Throws
 * SatelliteError API_TOKEN_FILE naming the file when it cannot be read or holds no token.
 */
export function readApiTokenFile(path: string, readFile: ReadTextFile): string {
  let text: string;
  try {
    text = readFile(path, TOKEN_FILE_BYTES_MAX);
  } catch (cause) {
    const hint = cause instanceof SatelliteError && cause.hint ? cause.hint : "check the path and that this user may read it";
    throw new SatelliteError("API_TOKEN_FILE", `API token file ${path}: cannot read it: ${describeError(cause)}`, { hint, cause });
  }
  const token = (text.split(/\r?\n/, 1)[0] ?? "").trim();
  if (token === "") {
    throw new SatelliteError("API_TOKEN_FILE", `API token file ${path} is empty: its first line must be the token`, {
      hint: "write the token on the first line, e.g. `openssl rand -hex 32 > FILE; chmod 600 FILE`",
    });
  }
  return token;
}

const SOURCE_RANK: Record<ValueSource["kind"], number> = { flag: 3, env: 2, file: 1, default: 0 };

/**
 * Replaces `apiTokenFile` in the merged configuration by the token the file holds
 * (`apiToken`), before validation, so the token's rules apply to it and errors name the file's
 * flag. When both are set, the one from the stronger source wins (flags > env > file); both
 * from the same source is an error.
 */
export function resolveApiTokenFile(layered: LayeredConfig, readFile: ReadTextFile): void {
  const path = layered.raw.apiTokenFile;
  if (path === undefined) return;
  const fileSource = layered.sources.get("apiTokenFile") ?? { kind: "default" };
  delete layered.raw.apiTokenFile;
  layered.sources.delete("apiTokenFile");
  if (typeof path !== "string" || path === "") {
    throw new ConfigError([{ source: describeSource(fileSource), path: "apiTokenFile", message: "expected the path of a file whose first line is the API token" }]);
  }
  const tokenSource = layered.sources.get("apiToken");
  if (tokenSource) {
    const tokenRank = SOURCE_RANK[tokenSource.kind];
    const fileRank = SOURCE_RANK[fileSource.kind];
    if (tokenRank === fileRank) {
      throw new ConfigError([{ source: describeSource(fileSource), path: "apiTokenFile", message: "apiToken is set there too; set only one of them (prefer the file: it keeps the token out of the process list)" }]);
    }
    if (tokenRank > fileRank) return;
  }
  let token: string;
  try {
    token = readApiTokenFile(path, readFile);
  } catch (error) {
    const hint = error instanceof SatelliteError && error.hint ? `; ${error.hint}` : "";
    throw new ConfigError([{ source: describeSource(fileSource), path: "apiTokenFile", message: `${describeError(error)}${hint}` }]);
  }
  layered.raw.apiToken = token;
  layered.sources.set("apiToken", fileSource);
}
