import { describe, expect, test } from "bun:test";
import { createServer } from "node:net";
import { join } from "node:path";
import { containerdKind } from "../../src/checkers/containerd.ts";
import { SatelliteError } from "../../src/platform/errors.ts";
import { createRecordedExec, type ExecResult } from "../../src/platform/exec.ts";
import { systemNetDialer } from "../../src/platform/net-dial.ts";
import { optionErrors, runOnce, testEnv, withTempDir } from "./_helpers.ts";

const CTR_VERSION = `Client:
  Version:  1.7.24
  Revision: 88bf19b2105c8b17560993bee28a01ddc2f97182
  Go version: go1.22.9

Server:
  Version:  1.7.24
  Revision: 88bf19b2105c8b17560993bee28a01ddc2f97182
  UUID: 2c4c1fd4-8a6b-4b52-8e33-2ad4e0c28f26
`;

/** A unix socket that accepts connections, as a live containerd's does, for the test's length. */
async function withSocket<T>(fn: (path: string) => Promise<T>): Promise<T> {
  return withTempDir(async (dir) => {
    const path = join(dir, "containerd.sock");
    const server = createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(path, resolve));
    try {
      return await fn(path);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
}

const ctrAnswering = (answer: Partial<ExecResult> | Error) => createRecordedExec(() => answer);

describe("containerd", () => {
  test("the socket accepts and the daemon answers its version: running, with the version", async () => {
    await withSocket(async (socket) => {
      const exec = ctrAnswering({ stdout: CTR_VERSION });
      const [outcome] = await runOnce(containerdKind({ net: systemNetDialer, exec }), { socket }, testEnv("/tmp"));
      expect(outcome).toMatchObject({ status: "running", detail: `containerd 1.7.24 at ${socket}`, data: { socket, version: "1.7.24" } });
      expect(exec.calls).toEqual([["ctr", "--address", socket, "--timeout", "5s", "version"]]);
    });
  });

  test("nothing listens on the socket: failed, naming it", async () => {
    await withTempDir(async (dir) => {
      const socket = join(dir, "gone.sock");
      const exec = ctrAnswering({ stdout: CTR_VERSION });
      const [outcome] = await runOnce(containerdKind({ net: systemNetDialer, exec }), { socket }, testEnv("/tmp"));
      expect(outcome?.status).toBe("failed");
      expect(outcome?.error).toStartWith(`containerd check failed: cannot connect to ${socket}`);
      expect(exec.calls).toEqual([]);
    });
  });

  test("ctr reaches no server (the daemon hangs or is not containerd): failed with ctr's last line", async () => {
    await withSocket(async (socket) => {
      const stdout = "Client:\n  Version:  1.7.24\n";
      const exec = ctrAnswering({ exitCode: 1, stdout, stderr: "ctr: failed to dial: context deadline exceeded\n" });
      const [outcome] = await runOnce(containerdKind({ net: systemNetDialer, exec }), { socket }, testEnv("/tmp"));
      expect(outcome).toMatchObject({ status: "failed", error: "containerd check failed: ctr version exited 1: ctr: failed to dial: context deadline exceeded" });
      const noServer = await runOnce(containerdKind({ net: systemNetDialer, exec: ctrAnswering({ stdout }) }), { socket }, testEnv("/tmp"));
      expect(noServer[0]?.status).toBe("failed");
    });
  });

  test("without ctr the socket alone decides, and the detail says the version was not asked", async () => {
    await withSocket(async (socket) => {
      const exec = ctrAnswering(new SatelliteError("exec-start", "cannot start ctr: ENOENT"));
      const [outcome] = await runOnce(containerdKind({ net: systemNetDialer, exec }), { socket }, testEnv("/tmp"));
      expect(outcome).toMatchObject({ status: "running", detail: `containerd socket ${socket} accepts connections (ctr is not installed: version not asked)` });
      const [off] = await runOnce(containerdKind({ net: systemNetDialer, exec }), { socket, version: false }, testEnv("/tmp"));
      expect(off?.detail).toBe(`containerd socket ${socket} accepts connections`);
    });
  });

  test("options: an absolute socket path, a boolean version", () => {
    const kind = containerdKind({ net: systemNetDialer, exec: ctrAnswering({}) });
    expect(optionErrors(kind, {})).toEqual([]);
    expect(optionErrors(kind, { socket: "run/containerd.sock" })).toEqual(["socket: expected an absolute socket path, e.g. /run/containerd/containerd.sock"]);
    expect(optionErrors(kind, { version: "yes" }).length).toBe(1);
    expect(optionErrors(kind, { sock: "/x" }).length).toBe(1);
  });
});
