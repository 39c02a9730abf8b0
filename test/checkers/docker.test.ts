import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dockerEndpoint, dockerKind } from "../../src/checkers/docker.ts";
import { bunHttpFetch } from "../../src/platform/http-fetch.ts";
import { optionErrors, runOnce, testEnv } from "./_helpers.ts";
import { type RunningProcess, startProcess, waitFor } from "./_processes.ts";

const kind = dockerKind({ http: bunHttpFetch });
const hasPodman = Bun.which("podman") !== null;

describe.skipIf(!hasPodman)("docker against a real podman API service", () => {
  let dir = "";
  let socket = "";
  let podman: RunningProcess | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "satellite-docker-"));
    socket = join(dir, "docker.sock");
    podman = startProcess(["podman", "system", "service", "--time=0", `unix://${socket}`]);
    await waitFor(`podman socket ${socket} (output: ${podman.output()})`, () => existsSync(socket), 20_000);
  });

  afterAll(async () => {
    await podman?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test("running: ping and version over the socket from the agent's dockerAddr", async () => {
    const [outcome] = await runOnce(kind, {}, testEnv("/tmp", { dockerAddr: socket }));
    expect(outcome?.status).toBe("running");
    expect((outcome?.data as { address: string }).address).toBe(socket);
    expect(outcome?.detail).toContain("docker");
  });

  test("unix:// spelling in the options overrides the agent setting", async () => {
    const [outcome] = await runOnce(kind, { address: `unix://${socket}` }, testEnv("/tmp", { dockerAddr: "/nonexistent.sock" }));
    expect(outcome?.status).toBe("running");
  });

  test("stopped service -> failed naming the socket", async () => {
    await podman?.stop();
    const [outcome] = await runOnce(kind, { address: socket }, testEnv("/tmp"));
    expect(outcome?.status).toBe("failed");
    expect(outcome?.error).toContain(socket);
    expect(outcome?.detail).toContain("container runtime");
  });
});

describe("docker without a runtime", () => {
  test("missing socket -> failed", async () => {
    const [outcome] = await runOnce(kind, { address: "/nonexistent/docker.sock" }, testEnv("/tmp"));
    expect(outcome?.status).toBe("failed");
    expect(outcome?.error).toContain("docker healthz check failed");
  });

  test("addresses in every spelling", () => {
    expect(dockerEndpoint("/var/run/docker.sock")).toEqual({ base: "http://docker", unixSocket: "/var/run/docker.sock" });
    expect(dockerEndpoint("unix:///run/podman.sock")).toEqual({ base: "http://docker", unixSocket: "/run/podman.sock" });
    expect(dockerEndpoint("tcp://10.0.0.1:2375")).toEqual({ base: "http://10.0.0.1:2375" });
    expect(optionErrors(kind, { address: "docker.sock" })).toEqual(["address: expected a socket path, unix:///path, tcp://host:port or http://host:port"]);
  });
});
