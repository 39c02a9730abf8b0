import { statfs } from "node:fs/promises";
import { open, unlink } from "node:fs/promises";

export interface FsUsage {
  totalBytes: number;
  /** Bytes available to unprivileged users (what `df` shows as Avail). */
  availableBytes: number;
  /** Free bytes including the root reserve. */
  freeBytes: number;
}

/** A file opened for synchronous-write measurements; close it exactly once. */
export interface SyncedFile {
  /** Writes `data` at offset 0 and waits for fsync. */
  writeAndSync(data: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

/** Filesystem operations that touch real disks; behind an interface so checkers can be tested alone. */
export interface Disk {
  usage(path: string): Promise<FsUsage>;
  /** Creates (or truncates) `path` for writing. */
  openSynced(path: string): Promise<SyncedFile>;
  /** Removes `path`; a missing file is not an error. */
  remove(path: string): Promise<void>;
}

export const systemDisk: Disk = {
  async usage(path) {
    const s = await statfs(path);
    return {
      totalBytes: s.blocks * s.bsize,
      availableBytes: s.bavail * s.bsize,
      freeBytes: s.bfree * s.bsize,
    };
  },
  async openSynced(path) {
    const handle = await open(path, "w", 0o600);
    return {
      async writeAndSync(data) {
        await handle.write(data, 0, data.length, 0);
        await handle.sync();
      },
      close: () => handle.close(),
    };
  },
  async remove(path) {
    try {
      await unlink(path);
    } catch (error) {
      if ((error as { code?: unknown }).code !== "ENOENT") throw error;
    }
  },
};
