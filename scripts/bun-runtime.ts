/**
 * Bun's runtime for another platform, from its npm package (`@oven/bun-linux-aarch64`...) at a
 * given version: `npm pack` through the npm client (the registry and integrity check npm is set
 * up with), unpacked into a cache directory and checked (version, ELF machine) before use.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { readElfInfo } from "./elf-info.ts";
import type { ReleaseTarget } from "./release-targets.ts";

export const RUNTIME_CACHE_DIR = "node_modules/.cache/satellite-release";

function run(argv: string[], cwd?: string): string {
  const result = spawnSync(argv[0] as string, argv.slice(1), { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  if (result.status !== 0) throw new Error(`${argv.join(" ")} failed (exit ${result.status ?? result.signal}): ${(result.stderr || result.error?.message || "").trim()}`);
  return result.stdout;
}

/** Path of the `bun` executable of `target` at `version`, fetched once into the cache. */
export function bunRuntimeFor(target: ReleaseTarget, version: string, cacheDir = RUNTIME_CACHE_DIR): string {
  const dir = join(cacheDir, `${target.runtimePackage.replace(/[@/]/g, "_")}-${version}`);
  const bun = join(dir, "bin", "bun");
  if (!existsSync(bun)) {
    mkdirSync(cacheDir, { recursive: true });
    const work = mkdtempSync(join(cacheDir, "fetch-"));
    try {
      const spec = `${target.runtimePackage}@${version}`;
      const tarball = run(["npm", "pack", spec, "--silent", "--pack-destination", work]).trim().split("\n").pop() ?? "";
      if (!tarball.endsWith(".tgz")) throw new Error(`npm pack ${spec} named no tarball (it printed ${JSON.stringify(tarball)})`);
      mkdirSync(join(work, "out"));
      run(["tar", "-xzf", join(work, tarball), "-C", join(work, "out"), "--strip-components=1", "package/package.json", "package/bin/bun"]);
      rmSync(dir, { recursive: true, force: true });
      renameSync(join(work, "out"), dir);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string; version?: string };
  if (pkg.name !== target.runtimePackage || pkg.version !== version) {
    throw new Error(`${dir} holds ${pkg.name}@${pkg.version}, not ${target.runtimePackage}@${version}; delete it and run again`);
  }
  const elf = readElfInfo(bun);
  if (elf.machine !== target.machine || elf.interpreter !== target.interpreter) {
    throw new Error(`${bun} is for ${elf.machine} with ${elf.interpreter}, not ${target.machine} with ${target.interpreter}; delete ${dir} and run again`);
  }
  return bun;
}
