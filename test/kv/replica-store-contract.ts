import { afterEach, describe, expect, test } from "bun:test";
import type { KvRecord } from "../../src/kv/kv-record.ts";
import type { KvReplicaStore } from "../../src/kv/replica-store.ts";

/** The contract every replica store keeps (src/kv/replica-store.ts), run for memory and SQLite. */
export function runReplicaStoreContract(name: string, open: () => KvReplicaStore): void {
  describe(`replica store contract: ${name}`, () => {
    const opened: KvReplicaStore[] = [];
    const fresh = () => {
      const store = open();
      opened.push(store);
      return store;
    };
    afterEach(() => opened.splice(0).forEach((s) => s.close()));
    const rec = (key: string, ms: number, value: string | undefined, node = "a", counter = 0): KvRecord => ({ key, value: value === undefined ? undefined : new TextEncoder().encode(value), version: { ms, counter, node } });

    test("a newer version replaces, an older or equal one does not", () => {
      const store = fresh();
      expect(store.apply(rec("k", 10, "one"))).toBe(true);
      expect(store.apply(rec("k", 9, "older"))).toBe(false);
      expect(store.apply(rec("k", 10, "same"))).toBe(false);
      expect(store.apply(rec("k", 10, "counter", "a", 1))).toBe(true);
      expect(store.apply(rec("k", 10, "node", "b", 1))).toBe(true);
      expect(store.apply(rec("k", 10, "loses on node", "a", 1))).toBe(false);
      expect(new TextDecoder().decode(store.get("k")?.value)).toBe("node");
      expect(store.get("k")?.version).toEqual({ ms: 10, counter: 1, node: "b" });
    });

    test("a tombstone is held with its version, wins over older values and loses to newer ones", () => {
      const store = fresh();
      store.apply(rec("k", 10, "v"));
      expect(store.apply(rec("k", 11, undefined))).toBe(true);
      expect(store.get("k")).toEqual(rec("k", 11, undefined));
      expect(store.apply(rec("k", 10, "late"))).toBe(false);
      expect(store.apply(rec("k", 12, "back"))).toBe(true);
      expect(store.get("k")?.value).toEqual(new TextEncoder().encode("back"));
    });

    test("scan: prefix, cursor and limit in code point order, tombstones included", () => {
      const store = fresh();
      for (const key of ["b/2", "a", "b/1", "b/10", "c", "b/\u{1F600}", "b/\uFFFD"]) store.apply(rec(key, 1, key));
      store.apply(rec("b/3", 1, undefined));
      expect(store.scan("b/", undefined, 100).map((r) => r.key)).toEqual(["b/1", "b/10", "b/2", "b/3", "b/\uFFFD", "b/\u{1F600}"]);
      expect(store.scan("b/", "b/10", 2).map((r) => r.key)).toEqual(["b/2", "b/3"]);
      expect(store.scan("", undefined, 2).map((r) => r.key)).toEqual(["a", "b/1"]);
      expect(store.scan("zz", undefined, 10)).toEqual([]);
    });

    test("purgeTombstones removes only tombstones older than the bound", () => {
      const store = fresh();
      store.apply(rec("old-tomb", 5, undefined));
      store.apply(rec("new-tomb", 50, undefined));
      store.apply(rec("old-value", 5, "v"));
      expect(store.purgeTombstones(10)).toBe(1);
      expect(store.get("old-tomb")).toBeUndefined();
      expect(store.get("new-tomb")).toBeDefined();
      expect(store.get("old-value")).toBeDefined();
      expect(store.count()).toBe(2);
    });

    test("what is stored is a copy: changing the caller's bytes later changes nothing", () => {
      const store = fresh();
      const record = rec("k", 1, "abc");
      store.apply(record);
      (record.value as Uint8Array)[0] = 0;
      expect(new TextDecoder().decode(store.get("k")?.value)).toBe("abc");
      expect(store.get("k")?.value).toBeInstanceOf(Uint8Array);
      expect(store.get("nothing")).toBeUndefined();
      expect(store.apply(rec("empty", 1, ""))).toBe(true);
      expect(store.get("empty")?.value).toEqual(new Uint8Array(0));
    });
  });
}
