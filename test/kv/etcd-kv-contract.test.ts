import { afterAll, beforeAll, describe } from "bun:test";
import { EtcdKvBackend } from "../../src/kv/etcd-kv-backend.ts";
import { systemClock } from "../../src/platform/clock.ts";
import { bunHttpFetch } from "../../src/platform/http-fetch.ts";
import { type EtcdCluster, hasEtcd, startEtcdCluster } from "./etcd-cluster.ts";
import { runKvBackendContract } from "./kv-backend-contract.ts";

/** The shared contract on one real etcd; each test gets a prefix of its own, so an empty store. */
describe.skipIf(!hasEtcd)("etcd backend", () => {
  let etcd: EtcdCluster | undefined;
  let stores = 0;
  beforeAll(async () => {
    etcd = await startEtcdCluster(1);
  }, 30_000);
  afterAll(async () => {
    await etcd?.stop();
  });
  runKvBackendContract("etcd", () => {
    if (!etcd) throw new Error("etcd did not start");
    stores++;
    return new EtcdKvBackend({ endpoints: etcd.endpoints, prefix: `/contract/${stores}/`, http: bunHttpFetch, clock: systemClock });
  });
});
