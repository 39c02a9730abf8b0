import { createMemoryReplicaStore } from "../../src/kv/memory-replica-store.ts";
import { runReplicaStoreContract } from "./replica-store-contract.ts";

/** The memory store (simulations, Deno) keeps the same contract as SQLite (replica-stores.test.ts). */
runReplicaStoreContract("memory", () => createMemoryReplicaStore());
