import { describe, expect, test } from "bun:test";
import { readApiTokenFile, TOKEN_FILE_BYTES_MAX } from "../../src/config/api-token-file.ts";
import { ConfigError } from "../../src/config/config-error.ts";
import { loadConfigInMemory, type ConfigRead, type InMemoryConfigInput } from "../support/in-memory-config.ts";

const TOKEN = "0123456789abcdef-token";

function load(input: InMemoryConfigInput = {}) {
  const reads: ConfigRead[] = [];
  return { config: loadConfigInMemory({ ...input, reads }), reads };
}

function problemOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.message.split("\n").slice(1).join("\n");
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("the agent's API token from a file", () => {
  test("--api-token-file: the first line, trimmed, becomes the token; read bounded", () => {
    const { config, reads } = load({ flags: { "api-token-file": "/etc/satellite/token" }, files: { "/etc/satellite/token": `  ${TOKEN}  \r\nsecond line\n` } });
    expect(config.apiToken).toBe(TOKEN);
    expect(reads).toEqual([{ path: "/etc/satellite/token", bytesMax: TOKEN_FILE_BYTES_MAX }]);
    expect("apiTokenFile" in config).toBe(false);
  });

  test("SATELLITE_API_TOKEN_FILE and the config file key apiTokenFile work too", () => {
    const files = { "/t": `${TOKEN}\n`, "/c.json": JSON.stringify({ apiTokenFile: "/t" }) };
    expect(load({ env: { SATELLITE_API_TOKEN_FILE: "/t" }, files }).config.apiToken).toBe(TOKEN);
    expect(load({ flags: { config: "/c.json" }, files }).config.apiToken).toBe(TOKEN);
    expect(load({ env: { SATELLITE_API_TOKEN: TOKEN } }).config.apiToken).toBe(TOKEN);
  });

  test("an unreadable or empty file stops the start naming the file", () => {
    expect(problemOf(() => load({ flags: { "api-token-file": "/nope" } }))).toBe(
      "  - flag --api-token-file, key apiTokenFile: API token file /nope: cannot read it: ENOENT: no such file or directory, open '/nope'; check the path and that this user may read it",
    );
    const empty = problemOf(() => load({ flags: { "api-token-file": "/empty" }, files: { "/empty": "\n\nlater line\n" } }));
    expect(empty).toContain("flag --api-token-file, key apiTokenFile: API token file /empty is empty: its first line must be the token");
  });

  test("a token from the file still has to be 16 characters, and the error names the file's flag", () => {
    expect(problemOf(() => load({ flags: { "api-token-file": "/short" }, files: { "/short": "short\n" } }))).toContain("flag --api-token-file, key apiToken: use at least 16 characters");
  });

  test("a token and a token file: the stronger source wins; both from one source is an error", () => {
    const files = { "/t": `${TOKEN}-from-file\n` };
    expect(load({ flags: { "api-token-file": "/t" }, env: { SATELLITE_API_TOKEN: TOKEN }, files }).config.apiToken).toBe(`${TOKEN}-from-file`);
    const flagWins = load({ flags: { "api-token": TOKEN }, env: { SATELLITE_API_TOKEN_FILE: "/t" }, files });
    expect(flagWins.config.apiToken).toBe(TOKEN);
    expect(flagWins.reads).toEqual([]);
    expect(problemOf(() => load({ flags: { "api-token": TOKEN, "api-token-file": "/t" }, files }))).toContain("flag --api-token-file, key apiTokenFile: apiToken is set there too; set only one of them");
  });

  test("readApiTokenFile passes the reader's own refusal on (a FIFO, a device, a large file)", () => {
    const refuse = () => {
      throw new Error("/dev/zero is a character device, not a regular file");
    };
    expect(() => readApiTokenFile("/dev/zero", refuse)).toThrow("API token file /dev/zero: cannot read it: /dev/zero is a character device, not a regular file");
  });
});
