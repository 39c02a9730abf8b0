import { describe, expect, test } from "bun:test";
import { connect } from "node:net";
import { describeError } from "../../src/platform/errors.ts";
import { describeRuntimeError } from "../../src/platform/runtime-errors.ts";

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const { port } = server;
  server.stop(true);
  return port;
}

async function thrownBy(action: () => Promise<unknown>): Promise<unknown> {
  try {
    await action();
  } catch (error) {
    return error;
  }
  throw new Error("did not throw");
}

function netError(options: { host?: string; port?: number; path?: string }): Promise<unknown> {
  return new Promise((resolve) => {
    const socket = options.path ? connect({ path: options.path }) : connect({ host: options.host ?? "127.0.0.1", port: options.port ?? 1 });
    socket.once("error", resolve);
  });
}

const shape = (fields: Record<string, unknown>, message = "runtime text") => Object.assign(new Error(message), fields);

describe("the runtime's network errors, in our words", () => {
  test("real errors of this runtime: fetch and sockets refused, a missing socket, a dropped connection", async () => {
    const port = await closedPort();
    expect(describeError(await thrownBy(() => fetch(`http://127.0.0.1:${port}/v2/keys`)))).toBe(`connection refused by 127.0.0.1:${port}`);
    expect(describeError(await thrownBy(() => fetch(`https://127.0.0.1:${port}/`)))).toBe(`connection refused by 127.0.0.1:${port}`);
    expect(describeError(await netError({ port }))).toBe(`connection refused by 127.0.0.1:${port}`);
    expect(describeError(await netError({ path: "/tmp/satellite-no-such.sock" }))).toBe("nothing listens at /tmp/satellite-no-such.sock (no such socket)");
    const closer = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { open: (socket) => void socket.end(), data() {} } });
    try {
      expect(describeError(await thrownBy(() => fetch(`http://127.0.0.1:${closer.port}/`)))).toBe(`connection closed unexpectedly by 127.0.0.1:${closer.port}`);
    } finally {
      closer.stop(true);
    }
  });

  test.each([
    [{ code: "ECONNREFUSED", path: "http://10.0.0.5:2379/health" }, "connection refused by 10.0.0.5:2379"],
    [{ code: "ECONNREFUSED", path: "https://etcd.example/health" }, "connection refused by etcd.example:443"],
    [{ code: "ECONNREFUSED", syscall: "connect", address: "fd00::5", port: 2379 }, "connection refused by [fd00::5]:2379"],
    [{ code: "ConnectionRefused" }, "connection refused"],
    [{ code: "ENOTFOUND", syscall: "getaddrinfo", hostname: "etcd-0.etcd" }, "cannot resolve host name etcd-0.etcd: no such name"],
    [{ code: "EAI_AGAIN", hostname: "etcd-0.etcd" }, "cannot resolve host name etcd-0.etcd: the resolver did not answer (try again later)"],
    [{ code: "ETIMEDOUT", address: "10.0.0.5", port: 2379 }, "connection timed out to 10.0.0.5:2379"],
    [{ code: "EHOSTUNREACH", address: "10.0.0.5", port: 2379 }, "host 10.0.0.5:2379 unreachable"],
    [{ code: "CERT_HAS_EXPIRED", path: "https://10.0.0.5:6443/" }, "the TLS certificate of 10.0.0.5:6443 has expired"],
    [{ code: "DEPTH_ZERO_SELF_SIGNED_CERT", path: "https://10.0.0.5:6443/" }, "the TLS certificate of 10.0.0.5:6443 is self-signed and not trusted: give its CA"],
    [{ code: "UNABLE_TO_VERIFY_LEAF_SIGNATURE", path: "https://10.0.0.5:6443/" }, "the TLS certificate of 10.0.0.5:6443 is signed by a CA that is not trusted: give that CA"],
  ])("%p -> %s", (fields, expected) => {
    expect(describeError(shape(fields))).toBe(expected);
  });

  test("an error wrapped as the cause (Node's fetch) is rewritten too; anything else is left as it says", () => {
    expect(describeError(new TypeError("fetch failed", { cause: shape({ code: "ECONNREFUSED", address: "10.0.0.5", port: 2379 }) }))).toBe("connection refused by 10.0.0.5:2379");
    expect(describeRuntimeError(shape({ code: "ENOENT", syscall: "open", path: "/etc/satellite.yaml" }))).toBeUndefined();
    expect(describeError(shape({ code: "ENOENT", syscall: "open", path: "/etc/satellite.yaml" }, "ENOENT: no such file or directory, open '/etc/satellite.yaml'"))).toBe("ENOENT: no such file or directory, open '/etc/satellite.yaml'");
    expect(describeError(new Error("boom"))).toBe("boom");
    expect(describeError("text")).toBe("text");
  });
});
