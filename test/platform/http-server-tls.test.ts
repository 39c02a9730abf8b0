import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { clientCertRefusal, listenHttp, type RequestHandler, type RunningHttpServer } from "../../src/platform/http-server.ts";
import { loadTlsMaterial } from "../../src/platform/tls-files.ts";
import { type TestPki, makeTestPki } from "../checkers/_certs.ts";

/** Real certificates, a real listener on a loopback port, Bun's fetch with its `tls` option as the client. */

const dir = mkdtempSync(join(tmpdir(), "satellite-api-tls-"));
let pki: TestPki;
/** A client certificate signed by a CA the server does not trust. */
let stranger: { cert: string; key: string };

beforeAll(() => {
  pki = makeTestPki(dir);
  const run = (args: string[]) => {
    const result = Bun.spawnSync(["openssl", ...args], { cwd: dir, stdout: "pipe", stderr: "pipe" });
    if (result.exitCode !== 0) throw new Error(`openssl ${args.join(" ")}: ${result.stderr.toString()}`);
  };
  run(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "stranger.key", "-out", "stranger.csr", "-subj", "/CN=stranger"]);
  run(["x509", "-req", "-in", "stranger.csr", "-CA", "other-ca.pem", "-CAkey", "other-ca.key", "-CAcreateserial", "-out", "stranger.pem", "-days", "2", "-extfile", "client.ext"]);
  stranger = { cert: readFileSync(join(dir, "stranger.pem"), "utf8"), key: readFileSync(join(dir, "stranger.key"), "utf8") };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const read = (path: string) => readFileSync(path, "utf8");

/** Echoes method, path, body and the client address the server saw; /stream sends three chunks. */
const echo: RequestHandler = async (request, env) => {
  const url = new URL(request.url);
  if (url.pathname === "/stream") {
    const chunks = ["one\n", "two\n", "three\n"];
    return new Response(new ReadableStream({ pull: (c) => (chunks.length > 0 ? c.enqueue(new TextEncoder().encode(chunks.shift())) : c.close()) }), { headers: { "content-type": "text/plain" } });
  }
  const body = request.method === "GET" ? "" : await request.text();
  return Response.json({ method: request.method, path: url.pathname, query: url.search, body, remote: env.remoteAddress }, { headers: { "x-satellite": "yes" } });
};

/** Each request on its own connection, so a connection made with one certificate never serves a request meant to go without. */
async function get(url: string, tls: Record<string, string>, init: RequestInit = {}): Promise<Response> {
  return fetch(url, { ...init, tls, keepalive: false, headers: { connection: "close", ...(init.headers ?? {}) } } as RequestInit);
}

describe("API over HTTPS, no client CA", () => {
  let server: RunningHttpServer;
  let base: string;
  beforeAll(async () => {
    const material = loadTlsMaterial({ certFile: pki.serverCertFile, keyFile: pki.serverKeyFile });
    server = await listenHttp([{ host: "127.0.0.1", port: 0 }], echo, { tls: { material, pathsWithoutClientCert: ["/livez"] } });
    base = `https://127.0.0.1:${server.addresses[0]?.port}`;
  });
  afterAll(() => server.stop());

  test("serves HTTPS to a client that trusts the CA, and sees the client's address", async () => {
    const res = await get(`${base}/status?x=1`, { ca: read(pki.caFile) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ method: "GET", path: "/status", query: "?x=1", body: "", remote: "127.0.0.1" });
  });

  test("serves HTTPS only: a plain HTTP request on the port gets no answer", async () => {
    const plain = await fetch(`http://127.0.0.1:${server.addresses[0]?.port}/livez`, { signal: AbortSignal.timeout(3000) }).then(
      (r) => r.status,
      () => "refused",
    );
    expect(plain).not.toBe(200);
  });

  test("a client that does not trust the CA refuses the server", async () => {
    await expect(get(`${base}/livez`, { ca: read(pki.otherCaFile) })).rejects.toThrow();
  });
});

describe("API over HTTPS with a client CA", () => {
  let server: RunningHttpServer;
  let base: string;
  const ca = () => read(pki.caFile);
  const client = () => ({ ca: ca(), cert: read(pki.clientCertFile), key: read(pki.clientKeyFile) });
  beforeAll(async () => {
    const material = loadTlsMaterial({ certFile: pki.serverCertFile, keyFile: pki.serverKeyFile, clientCaFile: pki.caFile });
    server = await listenHttp([{ host: "127.0.0.1", port: 0 }], echo, { tls: { material, pathsWithoutClientCert: ["/livez", "/readyz"] } });
    base = `https://127.0.0.1:${server.addresses[0]?.port}`;
  });
  afterAll(() => server.stop());

  test("/livez and /readyz answer without a client certificate (kubelet probes)", async () => {
    for (const path of ["/livez", "/readyz?verbose"]) {
      const res = await get(`${base}${path}`, { ca: ca() });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { path: string }).path).toBe(path.split("?")[0] as string);
    }
  });

  test("every other path without a client certificate: 403 JSON saying what to present", async () => {
    for (const path of ["/status", "/livez/", "/readyzx", "/members"]) {
      const res = await get(`${base}${path}`, { ca: ca() });
      expect(res.status).toBe(403);
      const body = (await res.json()) as { error: string; hint: string };
      expect(body.error).toContain(`a client certificate signed by the API's client CA is required for ${path}`);
      expect(body.hint).toContain("--client-cert-file");
      expect(body.hint).toContain("/livez and /readyz");
    }
  });

  test("a certificate from another CA is refused like none", async () => {
    const res = await get(`${base}/status`, { ca: ca(), ...stranger });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: string }).error).toMatch(/required for \/status; none was presented or it did not verify \(\w+/);
  });

  test("a verified client reaches every path: headers, query, request body and client address pass through", async () => {
    const res = await get(`${base}/join?since=5`, client(), { method: "POST", body: '{"addresses":["10.0.0.1"]}', headers: { "content-type": "application/json" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-satellite")).toBe("yes");
    expect(await res.json()).toEqual({ method: "POST", path: "/join", query: "?since=5", body: '{"addresses":["10.0.0.1"]}', remote: "127.0.0.1" });
  });

  test("a streamed response arrives whole", async () => {
    const res = await get(`${base}/stream`, client());
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("one\ntwo\nthree\n");
  });

  test("a port in use fails with API_LISTEN_FAILED naming the address", async () => {
    const port = server.addresses[0]?.port ?? 0;
    const material = loadTlsMaterial({ certFile: pki.serverCertFile, keyFile: pki.serverKeyFile, clientCaFile: pki.caFile });
    await expect(listenHttp([{ host: "127.0.0.1", port }], echo, { tls: { material, pathsWithoutClientCert: [] } })).rejects.toMatchObject({
      code: "API_LISTEN_FAILED",
      message: `cannot listen on 127.0.0.1:${port}: address already in use`,
    });
  });
});

describe("clientCertRefusal", () => {
  const exempt = new Set(["/livez", "/readyz"]);
  test.each([
    ["/livez", false, false],
    ["/readyz", false, false],
    ["/status", false, true],
    ["/Livez", false, true],
    ["/livez/x", false, true],
    ["/status", true, false],
  ] as const)("%s with verified=%p refused=%p", (path, verified, refused) => {
    const answer = clientCertRefusal(path, verified ? { verified } : { verified, error: "UNABLE_TO_GET_ISSUER_CERT" }, exempt);
    expect(answer?.status).toBe(refused ? 403 : undefined);
  });
});
