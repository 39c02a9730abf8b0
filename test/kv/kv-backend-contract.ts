import { afterEach, describe, expect, test } from "bun:test";
import { KV_LIMITS, type KvBackend, type KvChange } from "../../src/kv/kv-backend.ts";
import { SatelliteError } from "../../src/platform/errors.ts";

/**
 * The contract every key-value backend keeps (src/kv/kv-backend.ts), run by each
 * implementation's test with its own factory. `makeBackend` gives a fresh, empty store per
 * test (a new prefix or a new cluster); the suite closes it after the test.
 */

const bytes = (text: string) => new TextEncoder().encode(text);

async function refusal(promise: Promise<unknown>): Promise<SatelliteError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SatelliteError) return error;
    throw error;
  }
  throw new Error("expected a SatelliteError; the call succeeded");
}

/** Bounded wait for an asynchronous delivery (a watch, a replica's gossip). */
async function eventually(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export function runKvBackendContract(name: string, makeBackend: () => Promise<KvBackend> | KvBackend, options: { timeoutMs?: number } = {}): void {
  const timeout = options.timeoutMs ?? 20_000;
  describe(`key-value backend contract: ${name}`, () => {
    const open: KvBackend[] = [];
    const fresh = async (): Promise<KvBackend> => {
      const backend = await makeBackend();
      open.push(backend);
      return backend;
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map((b) => b.close()));
    });

    test("a key never written reads as undefined", async () => {
      const kv = await fresh();
      expect(await kv.get("never/written")).toBeUndefined();
    }, timeout);

    test("put then get returns the bytes and the version the put reported; acked within replicas", async () => {
      const kv = await fresh();
      const written = await kv.put("app/config", bytes("port=80"));
      expect(written.acked).toBeGreaterThanOrEqual(1);
      expect(written.acked).toBeLessThanOrEqual(written.replicas);
      const entry = await kv.get("app/config");
      expect(entry?.key).toBe("app/config");
      expect(entry?.value).toEqual(bytes("port=80"));
      expect(entry?.version).toBe(written.version);
    }, timeout);

    test("an overwrite gets a new version and the new value", async () => {
      const kv = await fresh();
      const first = await kv.put("k", bytes("one"));
      const second = await kv.put("k", bytes("two"));
      expect(second.version).not.toBe(first.version);
      expect((await kv.get("k"))?.value).toEqual(bytes("two"));
    }, timeout);

    test("a deleted key reads as undefined and is not listed; deleting reports a version", async () => {
      const kv = await fresh();
      await kv.put("gone", bytes("x"));
      await kv.put("kept", bytes("y"));
      const deleted = await kv.delete("gone");
      expect(typeof deleted.version).toBe("string");
      expect(await kv.get("gone")).toBeUndefined();
      expect((await kv.list("")).entries.map((e) => e.key)).toEqual(["kept"]);
    }, timeout);

    test("list: keys with the prefix in key order, a limit with truncated, all keys for an empty prefix", async () => {
      const kv = await fresh();
      for (const key of ["b/2", "a/1", "b/1", "b/10", "c"]) await kv.put(key, bytes(key));
      const b = await kv.list("b/");
      expect(b.entries.map((e) => e.key)).toEqual(["b/1", "b/10", "b/2"]);
      expect(b.entries.map((e) => new TextDecoder().decode(e.value))).toEqual(["b/1", "b/10", "b/2"]);
      expect(b.truncated).toBe(false);
      const limited = await kv.list("b/", 2);
      expect(limited.entries.map((e) => e.key)).toEqual(["b/1", "b/10"]);
      expect(limited.truncated).toBe(true);
      expect((await kv.list("")).entries.map((e) => e.key)).toEqual(["a/1", "b/1", "b/10", "b/2", "c"]);
      expect((await kv.list("nothing/")).entries).toEqual([]);
    }, timeout);

    test("binary, empty and largest values and Unicode keys round-trip", async () => {
      const kv = await fresh();
      const binary = Uint8Array.from({ length: 256 }, (_, i) => i);
      await kv.put("bin", binary);
      expect((await kv.get("bin"))?.value).toEqual(binary);
      await kv.put("empty", new Uint8Array(0));
      expect((await kv.get("empty"))?.value).toEqual(new Uint8Array(0));
      const largest = new Uint8Array(KV_LIMITS.valueBytesMax).fill(7);
      await kv.put("largest", largest);
      expect((await kv.get("largest"))?.value).toEqual(largest);
      await kv.put("ключ/ü/😀", bytes("u"));
      expect((await kv.get("ключ/ü/😀"))?.value).toEqual(bytes("u"));
      const longest = "k".repeat(KV_LIMITS.keyBytesMax);
      await kv.put(longest, bytes("l"));
      expect((await kv.get(longest))?.value).toEqual(bytes("l"));
    }, timeout);

    test("bad keys and values are refused with their codes, and nothing is stored", async () => {
      const kv = await fresh();
      expect((await refusal(kv.put("", bytes("x")))).code).toBe("kv_key_empty");
      expect((await refusal(kv.put("a\u0000b", bytes("x")))).code).toBe("kv_key_invalid");
      expect((await refusal(kv.get("k".repeat(KV_LIMITS.keyBytesMax + 1)))).code).toBe("kv_key_too_long");
      expect((await refusal(kv.put("big", new Uint8Array(KV_LIMITS.valueBytesMax + 1)))).code).toBe("kv_value_too_large");
      expect(await kv.get("big")).toBeUndefined();
    }, timeout);

    test("onChange hears puts and deletes with their versions; after unsubscribing, nothing", async () => {
      const kv = await fresh();
      const heard: KvChange[] = [];
      const unsubscribe = kv.onChange((change) => heard.push(change));
      // A watch may start a moment after subscribing: write until the first change is heard.
      const deadline = performance.now() + 10_000;
      while (!heard.some((c) => c.key === "ping") && performance.now() < deadline) {
        await kv.put("ping", bytes("1"));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const put = await kv.put("watched", bytes("1"));
      const deleted = await kv.delete("watched");
      await eventually("put and delete of watched", () => heard.filter((c) => c.key === "watched").length >= 2);
      const changes = heard.filter((c) => c.key === "watched");
      expect(changes.find((c) => c.op === "put")?.version).toBe(put.version);
      expect(changes.find((c) => c.op === "delete")?.version).toBe(deleted.version);
      unsubscribe();
      const before = heard.length;
      await kv.put("after", bytes("1"));
      const marker: KvChange[] = [];
      const stopMarker = kv.onChange((c) => marker.push(c));
      await kv.put("marker", bytes("1"));
      await eventually("the marker through a second listener", () => marker.some((c) => c.key === "marker"));
      stopMarker();
      expect(heard.length).toBe(before);
    }, timeout);

    test("health names the backend's kind", async () => {
      const kv = await fresh();
      await kv.put("h", bytes("1"));
      expect(kv.health().kind).toBe(kv.kind);
      expect(kv.health().problems).toEqual([]);
    }, timeout);
  });
}
