import { afterEach, describe, expect, test } from "bun:test";
import { ManualClock } from "../../src/platform/manual-clock.ts";
import { SatelliteError } from "../../src/platform/errors.ts";
import { HashRing } from "../../src/kv/hash-ring.ts";
import { KvTestCluster } from "./kv-test-cluster.ts";
import { decodeKvMessage, encodeKvMessage } from "../../src/kv/kv-wire.ts";
import { DIGEST_ANSWERS_PER_SECOND_MAX } from "../../src/kv/replica-server.ts";
import { NOTICES_PER_SECOND_MAX } from "../../src/kv/kv-notices.ts";

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (value: Uint8Array | undefined) => (value === undefined ? undefined : new TextDecoder().decode(value));

/** Replication behaviour on a manual clock: background work (hints, anti-entropy) runs only when the test advances time. */
describe("replicated store", () => {
  let cluster: KvTestCluster;
  const clock = new ManualClock();
  const start = (n: number, options = {}) => {
    cluster = new KvTestCluster(clock, { antiEntropyIntervalMs: 10_000, hintIntervalMs: 1000, ...options });
    for (let i = 0; i < n; i++) cluster.add(`n${i}`);
    return cluster;
  };
  afterEach(() => cluster.close());

  test("a write is acknowledged by 2 of 3 replicas while one is down; with two down it fails saying so", async () => {
    start(3);
    cluster.setState("n2", "failed");
    const written = await cluster.kv("n0").put("k", bytes("v"));
    expect([written.acked, written.replicas]).toEqual([2, 3]);
    cluster.setState("n1", "failed");
    let error: unknown;
    await cluster.kv("n0").put("k", bytes("w")).catch((e: unknown) => (error = e));
    expect(error).toBeInstanceOf(SatelliteError);
    expect((error as SatelliteError).code).toBe("kv_write_no_quorum");
    expect((error as Error).message).toMatch(/reached 1 of its 3 replicas, 2 needed: n[12] is not alive; n[12] is not alive/);
    await cluster.kv("n0").get("k").catch((e: unknown) => (error = e));
    expect((error as SatelliteError).code).toBe("kv_read_no_quorum");
  });

  test("hinted handoff: a replica that was down gets the writes it missed once it is alive again", async () => {
    start(3, { antiEntropyIntervalMs: 3_600_000 });
    cluster.setState("n2", "failed");
    await cluster.kv("n0").put("k", bytes("v1"));
    await cluster.kv("n0").put("k", bytes("v2"));
    expect(cluster.kv("n0").stats().hintsHeld).toBe(1);
    expect(cluster.store("n2").get("k")).toBeUndefined();
    await clock.advance(5000);
    expect(cluster.store("n2").get("k")).toBeUndefined();
    cluster.setState("n2", "alive");
    await clock.advance(2000);
    expect(text(cluster.store("n2").get("k")?.value)).toBe("v2");
    expect(cluster.kv("n0").stats()).toMatchObject({ hintsHeld: 0, hintsDelivered: 1 });
  });

  test("read repair: a replica with an older value gets the newest when a read sees both", async () => {
    start(3);
    await cluster.kv("n0").put("k", bytes("old"));
    cluster.cut("n2", true);
    await cluster.kv("n0").put("k", bytes("new"));
    cluster.cut("n2", false);
    // The hint would repair it too, but hints wait for the timer, which this test does not advance.
    expect(text(cluster.store("n2").get("k")?.value)).toBe("old");
    const read = await cluster.kv("n2").get("k");
    expect(text(read?.value)).toBe("new");
    await clock.advance(0);
    expect(text(cluster.store("n2").get("k")?.value)).toBe("new");
    expect(cluster.kv("n2").stats().readRepairs).toBe(1);
  });

  test("anti-entropy: after a partition both sides' writes reach every replica, the later version winning", async () => {
    start(3, { hintIntervalMs: 3_600_000 });
    await cluster.kv("n0").put("shared", bytes("before"));
    cluster.cut("n2", true);
    await cluster.kv("n0").put("left-side", bytes("a"));
    await clock.advance(5);
    // On its own, n2 cannot reach a quorum, but its replica keeps the attempt.
    await cluster.kv("n2").put("shared", bytes("minority")).catch(() => {});
    await clock.advance(5);
    await cluster.kv("n0").put("shared", bytes("majority, later"));
    cluster.cut("n2", false);
    for (let round = 0; round < 6; round++) await clock.advance(10_000);
    for (const node of ["n0", "n1", "n2"]) {
      expect(text(cluster.store(node).get("left-side")?.value)).toBe("a");
      expect(text(cluster.store(node).get("shared")?.value)).toBe("majority, later");
    }
  });

  test("anti-entropy refills a replica that lost its disk, a page at a time beyond one message", async () => {
    start(3, { hintIntervalMs: 3_600_000 });
    for (let i = 0; i < 600; i++) await cluster.kv("n0").put(`key/${String(i).padStart(4, "0")}`, bytes(`v${i}`));
    await cluster.kv("n2").close();
    cluster.add("n2");
    expect(cluster.store("n2").count()).toBe(0);
    for (let round = 0; round < 40 && cluster.store("n2").count() < 600; round++) await clock.advance(10_000);
    expect(cluster.store("n2").count()).toBe(600);
  });

  test("one anti-entropy round exchanges both ways: the peer's newer records come back, this node's go out", async () => {
    start(2, { hintIntervalMs: 3_600_000, antiEntropyIntervalMs: 3_600_000 });
    cluster.store("n0").apply({ key: "only-n0", value: bytes("a"), version: { ms: 5, counter: 0, node: "n0" } });
    cluster.store("n1").apply({ key: "only-n1", value: bytes("b"), version: { ms: 5, counter: 0, node: "n1" } });
    cluster.store("n0").apply({ key: "both", value: bytes("old"), version: { ms: 5, counter: 0, node: "n0" } });
    cluster.store("n1").apply({ key: "both", value: bytes("new"), version: { ms: 6, counter: 0, node: "n1" } });
    await cluster.kv("n0").antiEntropyRound();
    for (const node of ["n0", "n1"]) {
      expect(text(cluster.store(node).get("only-n0")?.value)).toBe("a");
      expect(text(cluster.store(node).get("only-n1")?.value)).toBe("b");
      expect(text(cluster.store(node).get("both")?.value)).toBe("new");
    }
    await cluster.kv("n0").antiEntropyRound();
    expect(cluster.kv("n0").stats().antiEntropyRecords).toBe(2);
  });

  test("a node with an empty store starts no exchange; the replica that holds its keys fills it", async () => {
    start(2, { hintIntervalMs: 3_600_000, antiEntropyIntervalMs: 3_600_000 });
    cluster.store("n0").apply({ key: "k", value: bytes("v"), version: { ms: 5, counter: 0, node: "n0" } });
    await cluster.kv("n1").antiEntropyRound();
    expect(cluster.store("n1").count()).toBe(0);
    expect(cluster.store("n0").count()).toBe(1);
    await cluster.kv("n0").antiEntropyRound();
    expect(text(cluster.store("n1").get("k")?.value)).toBe("v");
  });

  for (const [who, direction] of [["n0", "the full node pushes"]] as const) {
    test(`a difference larger than one message goes over in several rounds (${direction})`, async () => {
      start(2, { hintIntervalMs: 3_600_000, antiEntropyIntervalMs: 3_600_000 });
      for (let i = 0; i < 600; i++) cluster.store("n0").apply({ key: `key/${String(i).padStart(4, "0")}`, value: bytes(`v${i}`), version: { ms: 5, counter: 0, node: "n0" } });
      let rounds = 0;
      while (cluster.store("n1").count() < 600 && rounds < 10) {
        await cluster.kv(who).antiEntropyRound();
        rounds++;
      }
      expect(cluster.store("n1").count()).toBe(600);
      expect(rounds).toBe(3);
    });
  }

  test("deletes are tombstones that replicate and are purged after the retention", async () => {
    start(3, { tombstoneRetentionMs: 60_000, hintIntervalMs: 3_600_000 });
    await cluster.kv("n0").put("k", bytes("v"));
    await cluster.kv("n1").delete("k");
    expect(await cluster.kv("n2").get("k")).toBeUndefined();
    expect(cluster.store("n2").get("k")?.value).toBeUndefined();
    expect(cluster.store("n2").get("k")).toBeDefined();
    await clock.advance(80_000);
    for (const node of ["n0", "n1", "n2"]) expect(cluster.store(node).get("k")).toBeUndefined();
  });

  test("on 5 nodes each key is stored on exactly its 3 ring replicas", async () => {
    start(5);
    const ring = new HashRing(["n0", "n1", "n2", "n3", "n4"]);
    for (let i = 0; i < 50; i++) await cluster.kv(`n${i % 5}`).put(`k${i}`, bytes("v"));
    for (let i = 0; i < 50; i++) {
      const holders = ["n0", "n1", "n2", "n3", "n4"].filter((n) => cluster.store(n).get(`k${i}`) !== undefined);
      expect(holders.sort()).toEqual(ring.replicasFor(`k${i}`).sort());
    }
  });

  test("anti-entropy answers are bounded per second; past the bound a digest is refused as busy", async () => {
    start(2);
    const digest = encodeKvMessage({ type: "kvDigest", bucketCount: 64, digests: [] });
    const from = { ip: KvTestCluster.ip("n1"), port: 7946 };
    const okOf = async () => (decodeKvMessage((await cluster.kv("n0").onRequest(digest, from)) as Uint8Array) as { ok: boolean }).ok;
    for (let i = 0; i < DIGEST_ANSWERS_PER_SECOND_MAX; i++) expect(await okOf()).toBe(true);
    expect(await okOf()).toBe(false);
    await clock.advance(1000);
    expect(await okOf()).toBe(true);
  });

  test("nodes that hold no replica of a key hear of its changes by notice; notices from strangers or over the rate are dropped", async () => {
    start(5);
    const heard = new Map<string, string[]>();
    for (const name of ["n0", "n1", "n2", "n3", "n4"]) cluster.kv(name).onChange((c) => heard.set(name, [...(heard.get(name) ?? []), `${c.op} ${c.key} ${c.version}`]));
    const written = await cluster.kv("n0").put("k", bytes("v"));
    const deleted = await cluster.kv("n0").delete("k");
    for (const name of ["n0", "n1", "n2", "n3", "n4"]) expect(heard.get(name)).toEqual([`put k ${written.version}`, `delete k ${deleted.version}`]);
    const notice = encodeKvMessage({ type: "kvNotice", key: "x", deleted: false, version: { ms: 1, counter: 0, node: "n1" } });
    cluster.kv("n3").onPacket(notice, { ip: "10.66.0.1", port: 7946 });
    expect(cluster.kv("n3").stats().noticesDropped).toBe(1);
    for (let i = 0; i < NOTICES_PER_SECOND_MAX + 10; i++) cluster.kv("n3").onPacket(notice, { ip: KvTestCluster.ip("n1"), port: 7946 });
    expect(cluster.kv("n3").stats().noticesDropped).toBe(11);
  });

  test("a list ignores what a node that is no longer a replica of a key still holds", async () => {
    start(5);
    const ring = new HashRing(["n0", "n1", "n2", "n3", "n4"]);
    const former = ["n0", "n1", "n2", "n3", "n4"].find((n) => !ring.replicasFor("gone").includes(n)) as string;
    // An old copy left from before the ring changed; the key's replicas know nothing of it (their tombstone was purged).
    cluster.store(former).apply({ key: "gone", value: bytes("old"), version: { ms: 1, counter: 0, node: former } });
    await cluster.kv("n0").put("kept", bytes("v"));
    expect((await cluster.kv("n0").list("")).entries.map((e) => e.key)).toEqual(["kept"]);
  });

  test("a malformed request is answered with an error and counted, not thrown", async () => {
    start(1);
    const reply = await cluster.kv("n0").onRequest(Uint8Array.from([0xd8, 0xff, 0xff]), { ip: "10.0.0.9", port: 1 });
    expect(reply?.[0]).toBe(0xdc);
    expect(cluster.kv("n0").stats().malformedMessages).toBe(1);
  });
});
