export class Database { constructor() { throw new Error("bun:sqlite is not available on Deno"); } }
