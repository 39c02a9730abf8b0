import { describe, expect, test } from "bun:test";
import { ENCRYPT_FILE_BYTES_MAX } from "../../src/config/encrypt-file.ts";
import { configProblems as problemsOf, loadConfigInMemory, type ConfigRead, type InMemoryConfigInput } from "../support/in-memory-config.ts";

const KEY_A = "pUqJrVyVRj5jsiYEkM/tFQYfWyJIv4s3XkvDwy7Cu5s=";
const KEY_B = "w4YUfh0EpSCm6ZYsoGx6FnKmzrQTXa+bUZaoT5Uk4Ok=";

function load(input: InMemoryConfigInput = {}) {
  const reads: ConfigRead[] = [];
  return { config: loadConfigInMemory({ ...input, reads }), reads };
}

describe("--encrypt-file", () => {
  test("the key comes from the file's first line (as `satellite keygen > FILE` writes it), read with a size bound", () => {
    const { config, reads } = load({ flags: { "encrypt-file": "/etc/satellite/gossip.key" }, files: { "/etc/satellite/gossip.key": `${KEY_A}\n` } });
    expect(config.encrypt).toBe(KEY_A);
    expect(reads).toEqual([{ path: "/etc/satellite/gossip.key", bytesMax: ENCRYPT_FILE_BYTES_MAX }]);
    expect("encryptFile" in config).toBe(false);
  });

  test("from SATELLITE_ENCRYPT_FILE and from the config file too", () => {
    const files = { "/k": KEY_A, "/c.yaml": "encryptFile: /k\n" };
    expect(load({ env: { SATELLITE_ENCRYPT_FILE: "/k" }, files }).config.encrypt).toBe(KEY_A);
    expect(load({ flags: { config: "/c.yaml" }, files }).config.encrypt).toBe(KEY_A);
  });

  test("the stronger source wins between a key and a key file; both from one source is an error", () => {
    const files = { "/k": KEY_A };
    expect(load({ flags: { "encrypt-file": "/k" }, env: { SATELLITE_ENCRYPT: KEY_B }, files }).config.encrypt).toBe(KEY_A);
    expect(load({ flags: { encrypt: KEY_B }, env: { SATELLITE_ENCRYPT_FILE: "/k" }, files }).config.encrypt).toBe(KEY_B);
    expect(problemsOf(() => load({ flags: { encrypt: KEY_B, "encrypt-file": "/k" }, files }))).toEqual([
      "flag --encrypt-file, key encryptFile: encrypt is set there too; set only one of them (prefer the file: it keeps the key out of the process list)",
    ]);
  });

  test("an unreadable file or a line that is not a key is named, and the content is never echoed", () => {
    expect(problemsOf(() => load({ flags: { "encrypt-file": "/missing" } }))).toEqual([
      "flag --encrypt-file, key encryptFile: gossip key file /missing: cannot read it: ENOENT: no such file or directory, open '/missing'",
    ]);
    for (const text of ["", "not-a-key!", "c2hvcnQ=", `${KEY_A.slice(0, -1)}`]) {
      const problems = problemsOf(() => load({ env: { SATELLITE_ENCRYPT_FILE: "/k" }, files: { "/k": text } }));
      expect(problems).toEqual([
        "environment variable SATELLITE_ENCRYPT_FILE, key encryptFile: gossip key file /k: its first line is not base64 of a 16, 24 or 32-byte key; put the cluster's key there (every node needs the same one, made once with `satellite keygen` or `serf keygen`)",
      ]);
      if (text !== "") expect(problems[0]).not.toContain(text);
    }
  });
});
