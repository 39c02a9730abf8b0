import { describe, expect, test } from "bun:test";
import { GOSSIP_ENCRYPTION_CHECK, gossipEncryptionCheck, loadKeyring, warnWhenGossipUnencrypted } from "../../src/agent/gossip-keyring.ts";
import { ConfigError } from "../../src/config/config-error.ts";
import type { AgentConfig } from "../../src/config/load.ts";
import type { Logger } from "../../src/platform/logger.ts";

const KEY = "pUqJrVyVRj5jsiYEkM/tFQYfWyJIv4s3XkvDwy7Cu5s=";

function capturingLogger() {
  const lines: { level: string; message: string; fields?: unknown }[] = [];
  const logger: Logger = {
    debug: (message, fields) => lines.push({ level: "debug", message, fields }),
    info: (message, fields) => lines.push({ level: "info", message, fields }),
    warn: (message, fields) => lines.push({ level: "warn", message, fields }),
    error: (message, fields) => lines.push({ level: "error", message, fields }),
    child: () => logger,
  } as Logger;
  return { logger, lines };
}

describe("gossip encryption warning", () => {
  test.each([
    ["0.0.0.0:7946", false, true],
    ["[::]:7946", false, true],
    ["10.1.2.3:7946", false, true],
    ["node-1.example:7946", false, true],
    ["127.0.0.1:7946", false, false],
    ["127.0.0.2:0", false, false],
    ["localhost:7946", false, false],
    ["[::1]:7946", false, false],
    ["0.0.0.0:7946", true, false],
  ] as const)("%s, key=%p: warns=%p, never fails readiness", (gossipAddr, encrypted, warns) => {
    const check = gossipEncryptionCheck(gossipAddr, encrypted);
    expect(check.name).toBe(GOSSIP_ENCRYPTION_CHECK);
    expect(check.ok).toBe(true);
    expect(check.message !== undefined).toBe(warns);
  });

  test("an open agent without a key logs one warning at start that says what to do, and /readyz keeps saying it", () => {
    const { logger, lines } = capturingLogger();
    const check = warnWhenGossipUnencrypted({ gossipAddr: "0.0.0.0:7946", encrypt: undefined, keyringFile: undefined }, logger);
    expect(lines).toHaveLength(1);
    expect(lines[0]?.level).toBe("warn");
    for (const words of ["GOSSIP IS NOT ENCRYPTED", "0.0.0.0:7946", "satellite keygen", "--encrypt-file"]) expect(lines[0]?.message).toContain(words);
    expect(check.message).toContain("satellite keygen");
    expect(check.message).toContain("--encrypt-file");
  });

  test("with a key or a keyring file, or on loopback, nothing is logged", () => {
    const { logger, lines } = capturingLogger();
    warnWhenGossipUnencrypted({ gossipAddr: "0.0.0.0:7946", encrypt: KEY, keyringFile: undefined }, logger);
    warnWhenGossipUnencrypted({ gossipAddr: "0.0.0.0:7946", encrypt: undefined, keyringFile: "/etc/serf/keyring" }, logger);
    warnWhenGossipUnencrypted({ gossipAddr: "127.0.0.1:7946", encrypt: undefined, keyringFile: undefined }, logger);
    expect(lines).toEqual([]);
  });
});

describe("loadKeyring", () => {
  const config = (over: Partial<AgentConfig>) => ({ encrypt: undefined, keyringFile: undefined, ...over }) as AgentConfig;

  test("the key encrypts; keyring file keys follow for rotation; none gives no keyring", () => {
    const other = "w4YUfh0EpSCm6ZYsoGx6FnKmzrQTXa+bUZaoT5Uk4Ok=";
    const keyring = loadKeyring(config({ encrypt: KEY, keyringFile: "/k.json" }), () => JSON.stringify([other]));
    expect(keyring?.keys.map((k) => Buffer.from(k).toString("base64"))).toEqual([KEY, other]);
    expect(loadKeyring(config({}))).toBeUndefined();
  });

  test("a keyring file rewritten by a rotation holds the --encrypt key too: each key is kept once", () => {
    const other = "w4YUfh0EpSCm6ZYsoGx6FnKmzrQTXa+bUZaoT5Uk4Ok=";
    const keyring = loadKeyring(config({ encrypt: KEY, keyringFile: "/k.json" }), () => JSON.stringify([other, KEY]));
    expect(keyring?.keys.map((k) => Buffer.from(k).toString("base64"))).toEqual([KEY, other]);
  });

  test("an unreadable or invalid keyring file is a configuration error naming it", () => {
    for (const read of [
      () => {
        throw new Error("cannot open /k.json: ENOENT");
      },
      () => "not json",
    ]) {
      let error: unknown;
      try {
        loadKeyring(config({ keyringFile: "/k.json" }), read);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toContain("keyring file /k.json");
    }
  });
});
