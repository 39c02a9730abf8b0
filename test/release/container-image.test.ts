import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeContainerContext } from "../../scripts/container-context.ts";
import { freePort, waitFor } from "../support/processes.ts";

/**
 * deploy/Containerfile built with podman from the x64 glibc executable (the release's, or
 * dist/satellite, which `npm test` builds for this machine: the same build) and run: `version`,
 * then an agent on the host network answering /livez. Containers run with runc and explicit
 * rlimits where it is installed: crun refuses hybrid cgroups, and podman's default rlimits
 * exceed what a process without CAP_SYS_RESOURCE may set. Where podman still cannot run a
 * container, the test says why and checks the build only.
 */
const root = join(import.meta.dir, "../..");
const executable = [join(root, "dist/satellite-linux-x64"), join(root, "dist/satellite")].find((p) => existsSync(p));
const unavailable =
  process.arch !== "x64"
    ? "the image is built from the x64 executable on an x64 machine"
    : Bun.which("podman") === null
      ? "podman is not installed (scripts/install-test-deps.sh installs it)"
      : process.getuid?.() !== 0
        ? "podman builds and runs images as root here"
        : executable === undefined
          ? "no x64 executable in dist/ (npm test builds dist/satellite, npm run release dist/satellite-linux-x64)"
          : null;
if (unavailable) console.warn(`SKIP test/release/container-image: ${unavailable}`);

const image = `localhost/satellite-test:${process.pid}`;
const runFlags = [...(Bun.which("runc") ? ["--runtime", "runc"] : [])];
const containerFlags = ["--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024"];

function podman(args: string[], timeoutMs = 60_000): { exitCode: number; stdout: string; stderr: string } {
  const run = Bun.spawnSync(["podman", ...args], { stdout: "pipe", stderr: "pipe", timeout: timeoutMs });
  return { exitCode: run.exitCode ?? -1, stdout: run.stdout.toString(), stderr: run.stderr.toString() };
}

describe.skipIf(unavailable !== null)("deploy/Containerfile", () => {
  const work = mkdtempSync(join(tmpdir(), "satellite-image-"));
  let cannotRun: string | null = null;

  afterAll(() => {
    podman(["rmi", "-f", image]);
    rmSync(work, { recursive: true, force: true });
  });

  test("builds FROM scratch with only the executable, its loader, its glibc libraries and /tmp", () => {
    const context = writeContainerContext(executable as string, join(work, "context"));
    expect(context.files).toEqual(["/lib64/ld-linux-x86-64.so.2", "/lib/x86_64-linux-gnu/libc.so.6", "/lib/x86_64-linux-gnu/libpthread.so.0", "/lib/x86_64-linux-gnu/libdl.so.2", "/lib/x86_64-linux-gnu/libm.so.6"]);
    const build = podman(["build", "-q", "-f", join(root, "deploy/Containerfile"), "-t", image, context.dir], 120_000);
    expect(build.stderr).toBe("");
    expect(build.exitCode).toBe(0);
    const size = Number(podman(["image", "inspect", "--format", "{{.Size}}", image]).stdout.trim());
    // The executable is nearly all of it: the libraries add a few MB.
    expect(size - statSync(executable as string).size).toBeLessThan(8 * 1024 * 1024);
    // The allocator reads it before the agent runs: only the image's environment can set it.
    const env = podman(["image", "inspect", "--format", "{{json .Config.Env}}", image]).stdout;
    expect(env).toContain("MIMALLOC_PURGE_HOLES_MIN_INTERVAL=10000");
    expect(env).toContain("BUN_JSC_useFTLJIT=0");
    expect(env).toContain("BUN_JSC_useWarmUpMarkedBlocks=0");
  }, 130_000);

  test("runs `satellite version`", () => {
    const run = podman([...runFlags, "run", "--rm", ...containerFlags, image, "version"]);
    if (run.exitCode !== 0 && /OCI|runtime|cgroup|rlimit|permission denied/i.test(run.stderr)) {
      cannotRun = run.stderr.trim().split("\n")[0] ?? "unknown";
      console.warn(`SKIP running the image: podman cannot run containers on this machine (${cannotRun}); the build was checked`);
      return;
    }
    expect(run.stderr).toBe("");
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain("0.");
  }, 70_000);

  test("runs an agent on the host network that answers /livez", async () => {
    if (cannotRun !== null) return;
    const [api, gossip] = [await freePort(), await freePort()];
    const started = podman([...runFlags, "run", "-d", "--rm", "--network", "host", ...containerFlags, image, "agent", "--name", "image", "--rpc-addr", `127.0.0.1:${api}`, "--gossip-addr", `127.0.0.1:${gossip}`, "--state-dir", "/tmp/state"]);
    expect(started.exitCode).toBe(0);
    const id = started.stdout.trim();
    try {
      await waitFor(async () => (await fetch(`http://127.0.0.1:${api}/livez`)).status === 200, 30_000, "the agent in the container to answer /livez");
    } finally {
      podman(["rm", "-f", "-t", "2", id]);
    }
  }, 60_000);
});
