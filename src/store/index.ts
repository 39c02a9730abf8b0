export type * from "./history-store.ts";
export { TIMELINE_EVENT_TYPES } from "./history-store.ts";
export type { SeriesHistoryStore, SeriesQuery, SeriesPoint, LatestQuery } from "./series.ts";
export { createMemoryHistoryStore, type MemoryHistoryStoreOptions } from "./memory-history-store.ts";
export { createSqliteHistoryStore, type SqliteHistoryStoreOptions } from "./sqlite/sqlite-history-store.ts";
export type { Durability } from "./sqlite/open-database.ts";
