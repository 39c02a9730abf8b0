/**
 * The build context of deploy/Containerfile: `rootfs/` with the executable at
 * /usr/local/bin/satellite, its dynamic loader and every shared library it needs (read from the
 * ELF headers, transitively, and copied from this machine's glibc: the host's for x86-64, Debian's
 * libc6-arm64-cross for aarch64), and an empty /tmp. Nothing is downloaded.
 * Usage: bun scripts/container-context.ts [EXECUTABLE] [OUTDIR]
 *        (defaults: dist/satellite-linux-x64, dist/container)
 * The -musl executables cannot be packed this way: Bun's musl builds also need musl builds of
 * libstdc++ and libgcc_s, which Debian does not ship.
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, realpathSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { readElfInfo, type ElfInfo } from "./elf-info.ts";

/** Where this machine keeps the glibc of each architecture, and where the image gets it. */
const GLIBC: Readonly<Record<string, { searchDirs: readonly string[]; imageDir: string }>> = {
  "x86-64": { searchDirs: ["/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64"], imageDir: "/lib/x86_64-linux-gnu" },
  aarch64: { searchDirs: ["/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/aarch64-linux-gnu/lib"], imageDir: "/lib/aarch64-linux-gnu" },
};

export interface ContainerContext {
  dir: string;
  /** Paths inside the image, besides the executable. */
  files: string[];
}

export function writeContainerContext(executable: string, outDir: string): ContainerContext {
  const elf = readElfInfo(executable);
  const glibc = GLIBC[elf.machine];
  if (!glibc || !elf.interpreter) throw new Error(`${executable} is for ${elf.machine} with loader ${elf.interpreter ?? "(none)"}; this packs glibc executables for x86-64 or aarch64`);
  if (elf.interpreter.includes("musl")) throw new Error(`${executable} is a musl build: its libstdc++ and libgcc_s for musl are not on this machine (Debian does not ship them); use the glibc build`);
  const find = (name: string): string => {
    for (const dir of glibc.searchDirs) if (existsSync(join(dir, name))) return realpathSync(join(dir, name));
    throw new Error(`${name}, needed by ${executable}, is in none of ${glibc.searchDirs.join(", ")} (install the ${elf.machine} glibc)`);
  };
  const rootfs = join(outDir, "rootfs");
  rmSync(outDir, { recursive: true, force: true });
  const put = (source: string, inImage: string): void => {
    mkdirSync(join(rootfs, dirname(inImage)), { recursive: true });
    copyFileSync(source, join(rootfs, inImage));
  };
  put(executable, "/usr/local/bin/satellite");
  chmodSync(join(rootfs, "usr/local/bin/satellite"), 0o755);
  const files = [elf.interpreter];
  put(find(basename(elf.interpreter)), elf.interpreter);
  // The libraries the executable names and those they name in turn.
  const queue: ElfInfo[] = [elf];
  const seen = new Set<string>([basename(elf.interpreter)]);
  while (queue.length > 0) {
    for (const name of queue.shift()?.needed ?? []) {
      if (seen.has(name)) continue;
      seen.add(name);
      const source = find(name);
      const inImage = `${glibc.imageDir}/${name}`;
      put(source, inImage);
      files.push(inImage);
      queue.push(readElfInfo(source));
    }
  }
  mkdirSync(join(rootfs, "tmp"), { recursive: true });
  chmodSync(join(rootfs, "tmp"), 0o1777);
  return { dir: outDir, files };
}

if (import.meta.main) {
  const [executable = "dist/satellite-linux-x64", outDir = "dist/container"] = process.argv.slice(2);
  const context = writeContainerContext(executable, outDir);
  console.log(`${context.dir}/rootfs: /usr/local/bin/satellite (${executable}), ${context.files.join(", ")}, /tmp`);
}
