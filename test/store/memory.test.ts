import { createMemoryHistoryStore } from "../../src/store/memory-history-store.ts";
import { runHistoryStoreContract } from "./history-store.contract.ts";
import { runSeriesStoreContract } from "./series.contract.ts";
import { runMetricSeriesContract } from "./metric-series.contract.ts";

runHistoryStoreContract("memory", (o) => createMemoryHistoryStore(o));
runSeriesStoreContract("memory", (o) => createMemoryHistoryStore(o));
runMetricSeriesContract("memory", (o) => createMemoryHistoryStore(o));
