import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { EtcdKvBackend } from "../../src/kv/etcd-kv-backend.ts";
import type { KvChange } from "../../src/kv/kv-backend.ts";
import { systemClock } from "../../src/platform/clock.ts";
import { type HttpFetch, bunHttpFetch } from "../../src/platform/http-fetch.ts";
import { waitFor } from "../checkers/_processes.ts";
import { type EtcdCluster, hasEtcd, startEtcdCluster } from "./etcd-cluster.ts";

const text = (s: string) => new TextEncoder().encode(s);
const backendOn = (endpoints: string[], http: HttpFetch = bunHttpFetch) => new EtcdKvBackend({ endpoints, http, clock: systemClock, requestTimeoutMs: 2_000 });

/** Writes `key` until `changes` holds a change of it: the watch is open and delivering. */
async function untilWatching(writer: EtcdKvBackend, changes: KvChange[], key: string): Promise<void> {
  await waitFor(`a change of ${key} through the watch`, async () => {
    await writer.put(key, text("ping")).catch(() => undefined);
    return changes.some((c) => c.key === key);
  }, 15_000);
}

describe.skipIf(!hasEtcd)("etcd watch through a 3-member cluster", () => {
  let etcd: EtcdCluster;
  beforeAll(async () => {
    etcd = await startEtcdCluster(3);
  });
  afterAll(async () => {
    await etcd?.stop();
  });

  test("the member the watch follows dies: it reconnects to another and delivers what was written in between; calls fail over", async () => {
    // New watch streams wait at this gate while it is closed: the outage write lands before the watch is back.
    let gate: Promise<void> = Promise.resolve();
    let openGate = (): void => undefined;
    const gated: HttpFetch = async (request) => {
      if (request.url.endsWith("/v3/watch")) await gate;
      return bunHttpFetch(request);
    };
    const watcher = backendOn(etcd.endpoints, gated);
    const writer = backendOn(etcd.endpoints.slice(1));
    const changes: KvChange[] = [];
    watcher.onChange((c) => changes.push(c));
    await untilWatching(writer, changes, "ping/before");

    gate = new Promise((resolve) => {
      openGate = resolve;
    });
    await etcd.stopMember(0);
    // Written while the watch has no stream: only a watch that resumes at its next revision sees it.
    let written: string | undefined;
    await waitFor("a write after member 0 died", async () => {
      written = (await writer.put("during-outage", text("1")).catch(() => undefined))?.version;
      return written !== undefined;
    }, 15_000);
    openGate();
    await waitFor("the outage write through the resumed watch", () => changes.some((c) => c.key === "during-outage"), 15_000);
    expect(changes.filter((c) => c.key === "during-outage")).toEqual([{ key: "during-outage", op: "put", version: written as string }]);

    // The watcher's own calls go to the members still alive.
    await waitFor("a read through the watcher after failover", async () => (await watcher.get("during-outage").catch(() => undefined))?.version === written, 10_000);
    await watcher.close();
    await writer.close();
  }, 60_000);
});

describe.skipIf(!hasEtcd)("etcd watch across a restart of the only member", () => {
  let etcd: EtcdCluster;
  beforeAll(async () => {
    etcd = await startEtcdCluster(1);
  });
  afterAll(async () => {
    await etcd?.stop();
  });

  test("while etcd is down health names the problem; after it is back the watch delivers changes again", async () => {
    const backend = backendOn(etcd.endpoints);
    const changes: KvChange[] = [];
    backend.onChange((c) => changes.push(c));
    await untilWatching(backend, changes, "ping/first");

    await etcd.stopMember(0);
    await waitFor("health to show the broken watch", () => backend.health().problems.some((p) => p.startsWith("the etcd watch")), 10_000);
    await etcd.startMember(0);
    await untilWatching(backend, changes, "ping/after-restart");
    await waitFor("health clear again", () => backend.health().problems.length === 0, 10_000);
    await backend.close();
  }, 60_000);
});
