import { createMemoryHistoryStore } from "../../src/store/memory-history-store.ts";
import { runHistoryStoreContract } from "./history-store.contract.ts";
import { runSeriesStoreContract } from "./series.contract.ts";

runHistoryStoreContract("memory", (o) => createMemoryHistoryStore(o));
runSeriesStoreContract("memory", (o) => createMemoryHistoryStore(o));
