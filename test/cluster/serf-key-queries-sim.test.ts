import { describe, expect, test } from "bun:test";
import { answerInternalQueries } from "../../src/cluster/serf-internal-queries.ts";
import { runKeyOperation } from "../../src/cluster/serf-key-manager.ts";
import { decodeKeyResponse, encodeKeyResponse } from "../../src/cluster/serf-query-wire.ts";
import { decodeSerfMessage, decodeTags, encodeSerfMessage, encodeTags } from "../../src/cluster/serf-wire.ts";
import { MutableKeyring } from "../../src/membership/wire/mutable-keyring.ts";
import { silentLogger } from "../../src/platform/logger.ts";
import { SerfSim } from "../sim/serf-cluster.ts";

const K1 = Buffer.alloc(32, 1);
const K2 = Buffer.alloc(32, 2);
const b64 = (k: Uint8Array) => Buffer.from(k).toString("base64");

async function keyedCluster(n: number, options: { unencrypted?: string[]; failSave?: string[] } = {}) {
  // serf's own bytes, so the 1024-byte response limit means what it means on the wire.
  const sim = new SerfSim({ seed: 11, codec: { encode: encodeSerfMessage, decode: decodeSerfMessage }, tagCodec: { encode: encodeTags, decode: decodeTags } });
  await sim.startCluster(n);
  if ((await sim.advanceUntil(() => sim.converged(), 30_000)) < 0) throw new Error("cluster did not converge");
  const keyrings = new Map<string, MutableKeyring>();
  const saved = new Map<string, string[]>();
  for (const node of sim.running()) {
    const keyring = options.unencrypted?.includes(node.name) ? undefined : new MutableKeyring([K1]);
    if (keyring) keyrings.set(node.name, keyring);
    answerInternalQueries(node.serf, {
      localName: node.name,
      member: () => undefined,
      keyring,
      persistKeyring: async () => {
        if (options.failSave?.includes(node.name)) throw new Error("keyring file /etc/k.json: read-only file system");
        saved.set(node.name, keyring!.keys.map(b64));
      },
      responseSizeLimitBytes: 1024,
      logger: silentLogger,
    });
  }
  const members = () => sim.running().length;
  const run = (op: "install" | "use" | "remove" | "list", key?: string, from = "node-0") => sim.settle(runKeyOperation(sim.nodes.get(from)!.serf, members, op, key));
  return { sim, keyrings, saved, run };
}

describe("key rotation through serf's internal queries (simulation)", () => {
  test("install, use, remove: every member's keyring follows and is saved; list counts keys per member", async () => {
    const { keyrings, saved, run } = await keyedCluster(4);
    const installed = await run("install", b64(K2));
    expect(installed).toMatchObject({ numNodes: 4, numResp: 4, numErr: 0 });
    expect(installed.error).toBeUndefined();
    for (const k of keyrings.values()) expect(k.keys.map(b64)).toEqual([b64(K1), b64(K2)]);
    expect((await run("list", undefined, "node-3")).keys).toEqual({ [b64(K1)]: 4, [b64(K2)]: 4 });
    await run("use", b64(K2));
    for (const k of keyrings.values()) expect(k.keys.map(b64)).toEqual([b64(K2), b64(K1)]);
    await run("remove", b64(K1));
    for (const k of keyrings.values()) expect(k.keys.map(b64)).toEqual([b64(K2)]);
    expect([...saved.values()]).toEqual([[b64(K2)], [b64(K2)], [b64(K2)], [b64(K2)]]);
    const listed = await run("list");
    expect(listed.keys).toEqual({ [b64(K2)]: 4 });
    expect(listed.primaryKeys).toEqual({ [b64(K2)]: 4 });
  });

  test("errors per member: removing the primary key, a member without encryption, a keyring file that cannot be written", async () => {
    const { run } = await keyedCluster(4, { unencrypted: ["node-2"], failSave: ["node-3"] });
    const removed = await run("remove", b64(K1));
    expect(removed.numErr).toBe(4);
    expect(removed.messages["node-0"]).toBe("Removing the primary key is not allowed");
    expect(removed.messages["node-2"]).toBe("No keyring to modify (encryption not enabled)");
    expect(removed.error).toBe("4/4 nodes reported failure");
    const installed = await run("install", b64(K2));
    expect(installed.messages["node-3"]).toContain("read-only file system");
    expect(installed.error).toBe("2/4 nodes reported failure");
    const unknown = await run("use", b64(Buffer.alloc(16, 9)));
    expect(unknown.messages["node-1"]).toBe("Requested key is not in the keyring");
  });

  test("a key that is not base64 of 16, 24 or 32 bytes is refused before anything is sent", async () => {
    const { run } = await keyedCluster(2);
    await expect(run("install", "not a key")).rejects.toThrow(/not valid base64/);
    await expect(run("install", b64(Buffer.alloc(20)))).rejects.toThrow(/20 bytes/);
  });

  test("the list answer is cut to serf's response size, saying how many keys it shows", async () => {
    const { keyrings, run } = await keyedCluster(2);
    for (let i = 0; i < 30; i++) for (const k of keyrings.values()) k.install(Buffer.alloc(32, 100 + i));
    const listed = await run("list");
    const perKey = Object.values(listed.keys);
    expect(perKey.length).toBeGreaterThan(10);
    expect(perKey.length).toBeLessThan(31);
    expect(listed.messages["node-1"]).toMatch(/^truncated key list response, showing first \d+ of 31 keys$/);
    expect(listed.numErr).toBe(0);
  });
});

describe("nodeKeyResponse bytes", () => {
  test("round trip; no keys is msgpack nil as Go writes a nil slice", () => {
    const bytes = encodeKeyResponse({ result: true, message: "", keys: [], primaryKey: "" });
    expect(Buffer.from(bytes).toString("hex")).toBe("08" + "84" + "a44b657973c0" + "a74d657373616765a0" + "aa5072696d6172794b6579a0" + "a6526573756c74c3");
    expect(decodeKeyResponse(encodeKeyResponse({ result: false, message: "m", keys: ["a"], primaryKey: "p" }))).toEqual({ result: false, message: "m", keys: ["a"], primaryKey: "p" });
  });
});
