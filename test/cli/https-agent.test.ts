import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CliDeps } from "../../src/cli/cli-deps.ts";
import { runCli } from "../../src/cli/run-cli.ts";
import { readRegularTextFile } from "../../src/platform/regular-file.ts";
import { makeApp } from "../api/app-fixture.ts";
import { makeTestPki, type TestPki } from "../checkers/_certs.ts";

/**
 * The CLI against an agent API that serves TLS: a Bun.serve with the test PKI's server
 * certificate, once plain TLS and once asking for a client certificate (mutual TLS),
 * in front of the in-process app. Real sockets and Bun's fetch: the `tls` option is the
 * part under test.
 */
const TOKEN = "0123456789abcdef-https-token";
let dir = "";
let pki: TestPki;
let fixture: ReturnType<typeof makeApp>;
let tlsServer: ReturnType<typeof Bun.serve>;
let mtlsServer: ReturnType<typeof Bun.serve>;

function serve(requestCert: boolean): ReturnType<typeof Bun.serve> {
  return Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    tls: {
      cert: readFileSync(pki.serverCertFile, "utf8"),
      key: readFileSync(pki.serverKeyFile, "utf8"),
      ...(requestCert ? { ca: readFileSync(pki.caFile, "utf8"), requestCert: true, rejectUnauthorized: true } : {}),
    },
    fetch: (request, server) => fixture.app.fetch(request, { remoteAddress: server.requestIP(request)?.address }),
  });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "satellite-cli-https-"));
  pki = makeTestPki(dir);
  fixture = makeApp({ apiToken: TOKEN });
  tlsServer = serve(false);
  mtlsServer = serve(true);
});

afterAll(() => {
  void tlsServer?.stop(true);
  void mtlsServer?.stop(true);
  rmSync(dir, { recursive: true, force: true });
});

function cli() {
  const out: string[] = [];
  const err: string[] = [];
  const deps: CliDeps = {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    env: {},
    fetch: globalThis.fetch,
    readFile: (path, bytesMax) => readRegularTextFile(path, bytesMax),
    hostname: () => "h",
    cwd: () => dir,
    agentPlatform: () => {
      throw new Error("not in this test");
    },
    waitForStopSignal: () => new Promise(() => {}),
  };
  return { out, err, run: (...args: string[]) => runCli(args, deps) };
}

const PACKAGE_JSON = join(import.meta.dir, "../../package.json");
const addr = (server: ReturnType<typeof Bun.serve>) => `https://127.0.0.1:${server.port}`;

describe("--addr https://HOST:PORT", () => {
  test("--ca-file verifies the agent's certificate; status works over TLS", async () => {
    const c = cli();
    expect(await c.run("status", "--addr", addr(tlsServer), "--ca-file", pki.caFile)).toBe(0);
    expect(JSON.parse(c.out[0] ?? "")).toMatchObject({ status: "running" });
  });

  test("without --ca-file, or with a CA that did not sign it, the agent is not trusted: exit 2 naming --ca-file", async () => {
    for (const extra of [[], ["--ca-file", pki.otherCaFile]]) {
      const c = cli();
      expect(await c.run("status", "--addr", addr(tlsServer), ...extra)).toBe(2);
      expect(c.err.join("\n")).toContain(`satellite status: cannot reach the agent at ${addr(tlsServer)}`);
      expect(c.err.join("\n")).toContain("--ca-file names the CA that signed its certificate");
      expect(c.out).toEqual([]);
    }
  });

  test("an agent that asks for a client certificate: refused without one, served with --client-cert-file/--client-key-file", async () => {
    const without = cli();
    expect(await without.run("members", "--addr", addr(mtlsServer), "--ca-file", pki.caFile)).toBe(2);
    expect(without.err.join("\n")).toContain("cannot reach the agent");
    const withCert = cli();
    expect(await withCert.run("members", "--json", "--addr", addr(mtlsServer), "--ca-file", pki.caFile, "--client-cert-file", pki.clientCertFile, "--client-key-file", pki.clientKeyFile)).toBe(0);
    expect(JSON.parse(withCert.out[0] ?? "").members.length).toBe(1);
  });

  test("a mutating call over mutual TLS still needs the token", async () => {
    const tls = ["--addr", addr(mtlsServer), "--ca-file", pki.caFile, "--client-cert-file", pki.clientCertFile, "--client-key-file", pki.clientKeyFile];
    const refused = cli();
    expect(await refused.run("leave", ...tls)).toBe(2);
    expect(refused.err.join("\n")).toContain("the agent refused: POST /leave needs the API token");
    expect(fixture.state.left).toBe(0);
    const allowed = cli();
    expect(await allowed.run("leave", ...tls, "--api-token", TOKEN)).toBe(0);
    expect(fixture.state.left).toBe(1);
  });

  test("TLS flag mistakes exit 2 before anything is sent", async () => {
    const cases: [string[], string][] = [
      [["--addr", "127.0.0.1:1", "--ca-file", "/x"], "satellite status: --ca-file applies to an agent serving TLS: give --addr https://HOST:PORT"],
      [["--ca-file", "/x"], "satellite status: --ca-file applies to an agent serving TLS: give --addr https://HOST:PORT"],
      [["--addr", "https://127.0.0.1:1", "--client-cert-file", "/x"], "satellite status: --client-cert-file and --client-key-file go together: give both"],
      [["--addr", "https://127.0.0.1:1", "--ca-file", "/nonexistent/ca.pem"], "satellite status: --ca-file /nonexistent/ca.pem: cannot read it: cannot open /nonexistent/ca.pem: ENOENT"],
      [["--addr", "https://127.0.0.1:1", "--ca-file", "/dev/zero"], "satellite status: --ca-file /dev/zero: cannot read it: /dev/zero is a character device, not a regular file"],
      [["--addr", "https://127.0.0.1:1", "--ca-file", PACKAGE_JSON], `satellite status: --ca-file ${PACKAGE_JSON}: not a PEM file (no -----BEGIN line)`],
      [["--addr", "ftp://127.0.0.1:1"], 'satellite status: --addr "ftp://127.0.0.1:1" must be host:port or https://host:port with a port 1-65535'],
      [["--addr", "https://127.0.0.1:70000"], 'satellite status: --addr "https://127.0.0.1:70000" must be host:port'],
    ];
    for (const [flags, message] of cases) {
      const c = cli();
      expect({ flags, code: await c.run("status", ...flags) }).toEqual({ flags, code: 2 });
      expect(c.err[0] ?? "").toStartWith(message);
    }
  });
});
