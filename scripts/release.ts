/**
 * `npm run release`: dist/satellite-linux-{x64,arm64}{,-musl} and dist/SHA256SUMS.
 * Each executable is scripts/build.ts onto Bun's runtime for its platform: the running Bun when
 * it is that platform's, else the npm package of that runtime at the same version (fetched with
 * `npm pack` into node_modules/.cache/satellite-release/, scripts/bun-runtime.ts). Nothing else
 * is downloaded. `--targets=linux-arm64,...` builds some only, and removes a SHA256SUMS of an
 * earlier full release, which no longer describes dist/.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream, existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bunRuntimeFor } from "./bun-runtime.ts";
import { readElfInfo } from "./elf-info.ts";
import { CHECKSUMS_FILE, RELEASE_TARGETS, releaseFile, type ReleaseTarget } from "./release-targets.ts";

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, "").split("=") as [string, string]));
const wanted = args.targets?.split(",") ?? RELEASE_TARGETS.map((t) => t.name);
const unknown = wanted.filter((name) => !RELEASE_TARGETS.some((t) => t.name === name));
if (unknown.length > 0) {
  console.error(`release: unknown target ${unknown.join(", ")}; the targets are ${RELEASE_TARGETS.map((t) => t.name).join(", ")}`);
  process.exit(2);
}
const targets = RELEASE_TARGETS.filter((t) => wanted.includes(t.name));
const version = Bun.version;
const self = readElfInfo(process.execPath);

function runtimeOf(target: ReleaseTarget): string {
  if (self.machine === target.machine && self.interpreter === target.interpreter) return process.execPath;
  const started = performance.now();
  const bun = bunRuntimeFor(target, version);
  console.log(`runtime ${target.runtimePackage}@${version}: ${bun} (${Math.round(performance.now() - started)} ms)`);
  return bun;
}

async function sha256(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

for (const target of targets) {
  const outfile = join("dist", releaseFile(target));
  const build = spawnSync(process.execPath, ["scripts/build.ts", `--target=${target.bunTarget}`, `--outfile=${outfile}`, `--executable-path=${runtimeOf(target)}`], { stdio: "inherit" });
  if (build.status !== 0) {
    console.error(`release: building ${outfile} failed (see above)`);
    process.exit(1);
  }
  const elf = readElfInfo(outfile);
  if (elf.machine !== target.machine || elf.interpreter !== target.interpreter) {
    console.error(`release: ${outfile} came out for ${elf.machine} with ${elf.interpreter}, expected ${target.machine} with ${target.interpreter}`);
    process.exit(1);
  }
}

if (targets.length === RELEASE_TARGETS.length) {
  const lines: string[] = [];
  for (const target of RELEASE_TARGETS) lines.push(`${await sha256(join("dist", releaseFile(target)))}  ${releaseFile(target)}`);
  writeFileSync(join("dist", CHECKSUMS_FILE), `${lines.join("\n")}\n`);
  console.log(`wrote dist/${CHECKSUMS_FILE}:\n${lines.join("\n")}`);
} else if (existsSync(join("dist", CHECKSUMS_FILE))) {
  rmSync(join("dist", CHECKSUMS_FILE));
  console.log(`removed dist/${CHECKSUMS_FILE}: it covers a full release only (npm run release)`);
}
