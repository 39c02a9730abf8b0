import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { CollectorHost } from "../../src/collectors/collector.ts";
import type { Disk, FsUsage } from "../../src/platform/disk.ts";
import { createRecordedHostFacts } from "../../src/platform/host-facts.ts";
import { createRecordedHostFiles } from "../../src/platform/host-files.ts";

const FIXTURES = join(import.meta.dir, "../fixtures/proc");

/** A recorded /proc file from test/fixtures/proc. */
export function fixture(name: string): string {
  return readFileSync(join(FIXTURES, name), "utf8");
}

/** A host whose files are `files` (mutable: a test swaps a file between samples), links and environment as given. */
export function recordedHost(files: Record<string, string>, options: { links?: Record<string, string>; env?: Record<string, string>; usage?: Record<string, FsUsage> } = {}): CollectorHost {
  const facts = createRecordedHostFacts(files, options.env ?? {});
  const disk: Disk = {
    usage: async (path) => {
      const u = options.usage?.[path];
      if (!u) throw Object.assign(new Error(`ENOENT: ${path}`), { code: "ENOENT" });
      return u;
    },
    openSynced: async () => {
      throw new Error("not in a recorded host");
    },
    remove: async () => {},
  };
  return { facts: { ...facts, files: createRecordedHostFiles(files, options.links ?? {}) }, disk };
}
