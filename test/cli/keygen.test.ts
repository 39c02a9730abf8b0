import { describe, expect, test } from "bun:test";
import type { CliDeps } from "../../src/cli/cli-deps.ts";
import { generateGossipKey } from "../../src/cli/commands/keygen.ts";
import { runCli } from "../../src/cli/run-cli.ts";
import { parseKeyBase64 } from "../../src/membership/wire/keyring.ts";

function cli() {
  const out: string[] = [];
  const err: string[] = [];
  const unused = () => {
    throw new Error("keygen must not use this");
  };
  const deps = { out: (t: string) => out.push(t), err: (t: string) => err.push(t), env: {}, fetch: unused, readFile: unused, hostname: unused, cwd: unused, agentPlatform: unused, waitForStopSignal: unused } as unknown as CliDeps;
  return { out, err, run: (...args: string[]) => runCli(args, deps) };
}

/** What `serf keygen` prints: standard base64 of 32 bytes, 44 characters with one '='. */
const SERF_KEY_SHAPE = /^[A-Za-z0-9+/]{43}=$/;

describe("satellite keygen", () => {
  test("prints one key: base64 of 32 bytes that the gossip keyring takes; a new one each run", async () => {
    const c = cli();
    expect(await c.run("keygen")).toBe(0);
    expect(await c.run("keygen")).toBe(0);
    expect(c.err).toEqual([]);
    expect(c.out).toHaveLength(2);
    for (const key of c.out) {
      expect(key).toMatch(SERF_KEY_SHAPE);
      expect(parseKeyBase64(key, "keygen output")).toHaveLength(32);
    }
    expect(c.out[0]).not.toBe(c.out[1]);
  });

  test("the key is the random bytes, base64 encoded", () => {
    const bytes = Uint8Array.from({ length: 32 }, (_, i) => i);
    expect(generateGossipKey(() => bytes)).toBe("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
    expect(() => generateGossipKey(() => new Uint8Array(16))).toThrow("expected 32 random bytes, got 16");
  });

  test("--help says what it prints and where the key goes", async () => {
    const c = cli();
    expect(await c.run("keygen", "--help")).toBe(0);
    const help = c.out.join("\n");
    for (const words of ["serf keygen", "32 random bytes", "--encrypt-file", "umask 077"]) expect(help).toContain(words);
  });

  test.skipIf(Bun.which("serf") === null)("has the shape of `serf keygen` output", () => {
    const serf = Bun.spawnSync(["serf", "keygen"], { stdout: "pipe", stderr: "pipe" });
    expect(serf.exitCode).toBe(0);
    const serfKey = serf.stdout.toString().trim();
    expect(serfKey).toMatch(SERF_KEY_SHAPE);
    expect(generateGossipKey()).toMatch(SERF_KEY_SHAPE);
  });
});
