import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readElfInfo } from "../../scripts/elf-info.ts";
import { CHECKSUMS_FILE, RELEASE_TARGETS, releaseFile, type ReleaseTarget } from "../../scripts/release-targets.ts";
import { freePort, waitFor } from "../support/processes.ts";

/**
 * The release executables (`npm run release`). The arm64 one is built here when it is missing
 * (scripts/release.ts --targets=linux-arm64: Bun's aarch64 runtime from npm, then a cross-compile;
 * about a minute), so CI always runs it under qemu-user-static with Debian's arm64 glibc
 * (libc6-arm64-cross). The others are checked when a full release was made.
 */
const root = join(import.meta.dir, "../..");
const dist = join(root, "dist");
const version = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version;
const target = (name: ReleaseTarget["name"]) => RELEASE_TARGETS.find((t) => t.name === name) as ReleaseTarget;
const pathOf = (t: ReleaseTarget) => join(dist, releaseFile(t));
const arm64 = target("linux-arm64");
const GLIBC_LIBS = ["libc.so.6", "libm.so.6", "libpthread.so.0", "libdl.so.2", "ld-linux-aarch64.so.1", "ld-linux-x86-64.so.2"];

const QEMU = Bun.which("qemu-aarch64-static");
const ARM64_GLIBC = "/usr/aarch64-linux-gnu";
const qemuMissing = QEMU === null ? "qemu-aarch64-static is not installed (scripts/install-test-deps.sh installs qemu-user-static)" : !existsSync(join(ARM64_GLIBC, "lib/ld-linux-aarch64.so.1")) ? `no arm64 glibc in ${ARM64_GLIBC} (scripts/install-test-deps.sh installs libc6-arm64-cross)` : null;
if (qemuMissing) console.warn(`SKIP test/release (arm64 under qemu): ${qemuMissing}`);

describe("release executables", () => {
  const work = mkdtempSync(join(tmpdir(), "satellite-release-"));

  beforeAll(() => {
    if (existsSync(pathOf(arm64))) return;
    const build = Bun.spawnSync([process.execPath, "scripts/release.ts", "--targets=linux-arm64"], { cwd: root, stdout: "pipe", stderr: "pipe", timeout: 280_000 });
    if (build.exitCode !== 0) throw new Error(`building ${releaseFile(arm64)} failed (exit ${build.exitCode}):\n${build.stdout.toString()}\n${build.stderr.toString()}`);
  }, 300_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  test("the arm64 executable is aarch64 ELF with the glibc loader, linking glibc only", () => {
    const elf = readElfInfo(pathOf(arm64));
    expect(elf.machine).toBe("aarch64");
    expect(elf.interpreter).toBe("/lib/ld-linux-aarch64.so.1");
    for (const lib of elf.needed) expect(GLIBC_LIBS).toContain(lib);
  });

  test.skipIf(qemuMissing !== null)("under qemu-aarch64: `satellite version` prints this version", () => {
    const run = Bun.spawnSync([QEMU as string, "-L", ARM64_GLIBC, pathOf(arm64), "version"], { stdout: "pipe", stderr: "pipe", timeout: 60_000 });
    expect(run.stderr.toString()).toBe("");
    expect(run.exitCode).toBe(0);
    expect(run.stdout.toString()).toContain(version);
  }, 70_000);

  test.skipIf(qemuMissing !== null)("under qemu-aarch64: an agent starts and answers /livez, and stops on SIGTERM", async () => {
    const [api, gossip] = [await freePort(), await freePort()];
    const config = join(work, "satellite.yaml");
    writeFileSync(config, "defaultChecks: false\n");
    const argv = [QEMU as string, "-L", ARM64_GLIBC, pathOf(arm64), "agent", "--name", "arm64", "--rpc-addr", `127.0.0.1:${api}`, "--gossip-addr", `127.0.0.1:${gossip}`, "--state-dir", join(work, "state"), "--config", config];
    const agent = Bun.spawn(argv, { stdout: "ignore", stderr: "pipe", timeout: 100_000, killSignal: "SIGKILL" });
    try {
      await waitFor(async () => (await fetch(`http://127.0.0.1:${api}/livez`)).status === 200, 60_000, "the arm64 agent to answer /livez");
      agent.kill("SIGTERM");
      expect(await agent.exited).toBe(0);
      expect(await new Response(agent.stderr).text()).toContain("agent started");
    } finally {
      agent.kill("SIGKILL");
    }
  }, 90_000);

  const fullRelease = existsSync(join(dist, CHECKSUMS_FILE));
  if (!fullRelease) console.warn(`SKIP test/release (x64, musl, ${CHECKSUMS_FILE}): no full release in dist/ (npm run release makes one)`);

  test.skipIf(!fullRelease)(`${CHECKSUMS_FILE} lists the four executables with their SHA-256, as sha256sum -c reads it`, () => {
    const lines = readFileSync(join(dist, CHECKSUMS_FILE), "utf8").trimEnd().split("\n");
    expect(lines.map((l) => l.replace(/^[0-9a-f]{64}  /, ""))).toEqual(RELEASE_TARGETS.map(releaseFile));
    const check = Bun.spawnSync(["sha256sum", "-c", CHECKSUMS_FILE], { cwd: dist, stdout: "pipe", stderr: "pipe", timeout: 50_000 });
    expect(check.stdout.toString().trimEnd().split("\n")).toEqual(RELEASE_TARGETS.map((t) => `${releaseFile(t)}: OK`));
    expect(check.exitCode).toBe(0);
  }, 60_000);

  test.skipIf(!fullRelease)("each executable is ELF for its machine and asks for its platform's loader", () => {
    for (const t of RELEASE_TARGETS) {
      const elf = readElfInfo(pathOf(t));
      expect([t.name, elf.machine, elf.interpreter]).toEqual([t.name, t.machine, t.interpreter]);
    }
  });

  test.skipIf(!fullRelease || process.arch !== "x64")("the x64 glibc executable runs here", () => {
    const run = Bun.spawnSync([pathOf(target("linux-x64")), "version"], { stdout: "pipe", stderr: "pipe", timeout: 20_000 });
    expect(run.exitCode).toBe(0);
    expect(run.stdout.toString()).toContain(version);
  });

  // Bun's musl runtime links libstdc++ and libgcc_s built against musl; Debian's `musl` package
  // has the loader and libc only, and no Debian package has those two. So the -musl executables
  // are shipped checksummed (above) and run here only on a machine that has them.
  test.skipIf(!fullRelease || process.arch !== "x64")("the x64 musl executable runs where musl's libstdc++ exists; here it is only checksummed", () => {
    const musl = target("linux-x64-musl");
    if (!existsSync(musl.interpreter)) {
      console.warn(`SKIP running ${releaseFile(musl)}: no ${musl.interpreter} (Debian's musl package); it is checksummed in ${CHECKSUMS_FILE}`);
      return;
    }
    const run = Bun.spawnSync([pathOf(musl), "version"], { stdout: "pipe", stderr: "pipe", timeout: 20_000 });
    const stderr = run.stderr.toString();
    if (run.exitCode !== 0 && /libstdc\+\+|libgcc_s/.test(stderr)) {
      console.warn(`SKIP running ${releaseFile(musl)}: this machine has musl but no musl libstdc++/libgcc_s (${stderr.split("\n")[0]}); it is checksummed in ${CHECKSUMS_FILE}`);
      return;
    }
    expect(stderr).toBe("");
    expect(run.stdout.toString()).toContain(version);
  });
});
