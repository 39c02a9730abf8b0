import { systemClock } from "../../src/platform/clock.ts";
import { runKvBackendContract } from "./kv-backend-contract.ts";
import { KvTestCluster } from "./kv-test-cluster.ts";

/** The shared backend contract on the replicated store: a 3-node and a 5-node cluster, asked through one node. */
runKvBackendContract("replicated, 3 nodes", () => {
  const cluster = new KvTestCluster(systemClock);
  for (const name of ["n0", "n1", "n2"]) cluster.add(name);
  const kv = cluster.kv("n0");
  return { ...kv, close: () => cluster.close() };
});

runKvBackendContract("replicated, 5 nodes, asked through a node that holds few keys", () => {
  const cluster = new KvTestCluster(systemClock);
  for (const name of ["n0", "n1", "n2", "n3", "n4"]) cluster.add(name);
  const kv = cluster.kv("n3");
  return { ...kv, close: () => cluster.close() };
});

runKvBackendContract("replicated, 1 node", () => {
  const cluster = new KvTestCluster(systemClock);
  return cluster.add("n0");
});
