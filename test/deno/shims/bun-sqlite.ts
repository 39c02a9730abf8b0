/** `bun:sqlite` on Deno: imported by the SQLite store, never opened there (history is in memory). */
export class Database {
  constructor() {
    throw new Error("bun:sqlite is not available on Deno; history is kept in memory (docs/deno.md)");
  }
}
export class Statement {}
export const constants = {};
