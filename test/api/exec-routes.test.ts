import { describe, expect, test } from "bun:test";
import { parseExecRequest } from "../../src/api/exec-routes.ts";
import { SatelliteError } from "../../src/platform/errors.ts";
import { makeApp } from "./app-fixture.ts";

const TOKEN = "0123456789abcdef0123-secret";

async function post(fixture: ReturnType<typeof makeApp>, body: unknown, env = { remoteAddress: "127.0.0.1" }, headers: Record<string, string> = {}) {
  const response = await fixture.app.request("/exec", { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json", ...headers } }, env);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("POST /exec", () => {
  test("sends the request with the default timeout and the caller, and answers every node's result", async () => {
    const fixture = makeApp();
    const answer = await post(fixture, { argv: ["systemctl", "status", "kubelet"], tags: { role: "node" }, nodes: ["n2"] });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ id: "ab".repeat(16), results: [{ node: "n1", outcome: "ran", exitCode: 0, durationMs: 2, stdout: "up\n", stderr: "", truncated: false }] });
    expect(fixture.state.execs).toEqual([{ argv: ["systemctl", "status", "kubelet"], tags: { role: "node" }, nodes: ["n2"], timeoutMs: 10_000, caller: "api 127.0.0.1 loopback" }]);
  });

  test("with a token, the caller is recorded as having presented it, from its address", async () => {
    const fixture = makeApp({ apiToken: TOKEN });
    expect((await post(fixture, { argv: ["uptime"], timeoutMs: 500 }, { remoteAddress: "10.0.0.9" }, { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    expect(fixture.state.execs[0]).toMatchObject({ caller: "api 10.0.0.9 token", timeoutMs: 500 });
  });

  test("an invalid request is refused with the reason and never sent", async () => {
    const fixture = makeApp();
    expect((await post(fixture, { argv: [] })).body.error).toContain("argv must be 1 to 32 strings");
    expect((await post(fixture, { argv: ["ls", "a\nb"] })).status).toBe(400);
    expect((await post(fixture, { argv: ["uptime"], shell: true })).body.error).toContain('unknown key "shell"');
    expect((await post(fixture, { argv: ["uptime"], timeoutMs: 10 })).body.error).toBe("timeoutMs must be an integer from 100 to 600000");
    expect((await post(fixture, { argv: ["uptime"], nodes: ["a\u0000"] })).status).toBe(400);
    expect((await post(fixture, { argv: ["uptime"], tags: { role: 1 } })).status).toBe(400);
    expect(fixture.state.execs).toEqual([]);
  });

  test("errors of the sender: a request too large is 400, anything else 503, both with the hint", async () => {
    const tooLarge = makeApp({ remoteExec: { run: async () => Promise.reject(new SatelliteError("EXEC_REQUEST_INVALID", "request is 900 bytes", { hint: "shorter" })) } });
    expect(await post(tooLarge, { argv: ["uptime"] })).toEqual({ status: 400, body: { error: "request is 900 bytes", hint: "shorter" } });
    const noKey = makeApp({ remoteExec: { run: async () => Promise.reject(new SatelliteError("EXEC_NO_KEY", "no key", { hint: "--encrypt-file" })) } });
    expect(await post(noKey, { argv: ["uptime"] })).toEqual({ status: 503, body: { error: "remote exec could not be sent: no key", hint: "--encrypt-file" } });
    expect((await post(makeApp({ remoteExec: undefined }), { argv: ["uptime"] })).status).toBe(503);
  });

  test("the parser keeps only what it checked", () => {
    expect(parseExecRequest({ argv: ["uptime"] })).toEqual({ ok: true, value: { argv: ["uptime"] } });
    expect(parseExecRequest({ argv: [""] }).ok).toBe(false);
    expect(parseExecRequest({ argv: ["x".repeat(257)] }).ok).toBe(false);
    expect(parseExecRequest({ argv: ["uptime"], tags: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, "v"])) }).ok).toBe(false);
  });
});
