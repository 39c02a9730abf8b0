import { describe, expect, test } from "bun:test";
import { tcpKind } from "../../src/checkers/tcp.ts";
import { systemNetDialer } from "../../src/platform/net-dial.ts";
import { closedPort, optionErrors, runOnce, testEnv } from "./_helpers.ts";

const kind = tcpKind({ net: systemNetDialer });
const env = testEnv("/tmp");

describe("tcp", () => {
  test("a real listener -> running", async () => {
    const server = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    try {
      const [outcome] = await runOnce(kind, { address: `127.0.0.1:${server.port}` }, env);
      expect(outcome?.status).toBe("running");
      expect(outcome?.data).toMatchObject({ address: `127.0.0.1:${server.port}` });
    } finally {
      server.stop(true);
    }
  });

  test("IPv6 loopback in brackets", async () => {
    const server = Bun.listen({ hostname: "::1", port: 0, socket: { data() {} } });
    try {
      const [outcome] = await runOnce(kind, { address: `[::1]:${server.port}` }, env);
      expect(outcome?.status).toBe("running");
    } finally {
      server.stop(true);
    }
  });

  test("a closed port -> failed with the refusal", async () => {
    const port = await closedPort();
    const [outcome] = await runOnce(kind, { address: `127.0.0.1:${port}` }, env);
    expect(outcome?.status).toBe("failed");
    // The runtime's error in our words, saying where.
    expect(outcome?.error).toBe(`cannot connect to 127.0.0.1:${port}: connection refused by 127.0.0.1:${port}`);
  });

  test("already aborted -> failed promptly", async () => {
    const controller = new AbortController();
    controller.abort();
    const [outcome] = await runOnce(kind, { address: "10.255.255.1:9" }, env, controller.signal);
    expect(outcome?.status).toBe("failed");
  });

  test("option errors", () => {
    expect(optionErrors(kind, { address: "localhost" })).toEqual(['address: expected host:port, e.g. "127.0.0.1:2379" or "[::1]:6443"']);
    expect(optionErrors(kind, { address: "localhost:70000" })).toEqual(["address: port 70000 is out of range 1-65535"]);
    expect(optionErrors(kind, {})).toEqual(["address: Invalid input: expected string, received undefined"]);
  });
});
