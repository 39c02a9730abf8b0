import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { httpKind } from "../../src/checkers/http.ts";
import { systemHostFiles } from "../../src/platform/host-files.ts";
import { bunHttpFetch } from "../../src/platform/http-fetch.ts";
import { closedPort, optionErrors, runOnce, testEnv } from "./_helpers.ts";

const kind = httpKind({ http: bunHttpFetch, files: systemHostFiles });
const env = testEnv("/tmp");

let server: ReturnType<typeof Bun.serve>;
let base = "";
let hang: (() => void) | undefined;

beforeAll(() => {
  server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      const path = new URL(request.url).pathname;
      if (path === "/ok") return new Response("all good\n");
      if (path === "/missing") return new Response("no such thing", { status: 404 });
      if (path === "/big") return new Response("x".repeat(200_000) + "needle");
      if (path === "/echo-method") return new Response(request.method);
      if (path === "/hang") return new Promise<Response>((resolve) => (hang = () => resolve(new Response("late"))));
      return new Response("?", { status: 500 });
    },
  });
  base = `http://127.0.0.1:${server.port}`;
});

afterAll(() => {
  hang?.();
  server.stop(true);
});

describe("http", () => {
  test("200 with expected body -> running with status and duration", async () => {
    const [outcome] = await runOnce(kind, { url: `${base}/ok`, bodyContains: "good" }, env);
    expect(outcome?.status).toBe("running");
    expect(outcome?.data).toMatchObject({ status: 200 });
  });

  test("404 outside the default range -> failed naming status and range", async () => {
    const [outcome] = await runOnce(kind, { url: `${base}/missing` }, env);
    expect(outcome?.status).toBe("failed");
    expect(outcome?.error).toBe(`GET ${base}/missing answered 404, expected 200-399`);
    expect(outcome?.detail).toBe('"no such thing"');
  });

  test("expectStatus as a number accepts exactly that status", async () => {
    const [outcome] = await runOnce(kind, { url: `${base}/missing`, expectStatus: 404 }, env);
    expect(outcome?.status).toBe("running");
  });

  test("body substring beyond the 64 KiB read limit is not found, and the detail is capped", async () => {
    const [outcome] = await runOnce(kind, { url: `${base}/big`, bodyContains: "needle" }, env);
    expect(outcome?.status).toBe("failed");
    expect(outcome?.detail).toContain("first 64 KiB");
    expect(outcome?.detail?.length).toBeLessThan(400);
  });

  test("method is sent", async () => {
    const [outcome] = await runOnce(kind, { url: `${base}/echo-method`, method: "POST", bodyContains: "POST" }, env);
    expect(outcome?.status).toBe("running");
  });

  test("closed port -> failed, not thrown", async () => {
    const port = await closedPort();
    const [outcome] = await runOnce(kind, { url: `http://127.0.0.1:${port}/` }, env);
    expect(outcome?.status).toBe("failed");
    expect(outcome?.error).toBe(`GET http://127.0.0.1:${port}/ failed: connection refused by 127.0.0.1:${port}`);
  });

  test("abort of a hanging request resolves promptly with a failed outcome", async () => {
    const controller = new AbortController();
    const run = runOnce(kind, { url: `${base}/hang` }, env, controller.signal);
    controller.abort();
    const [outcome] = await run;
    expect(outcome?.status).toBe("failed");
    expect(outcome?.error).toContain("aborted");
  });

  test("missing CA file -> failed naming the file", async () => {
    const [outcome] = await runOnce(kind, { url: `${base}/ok`, tls: { caFile: "/nonexistent/ca.pem" } }, env);
    expect(outcome?.status).toBe("failed");
    expect(outcome?.error).toContain("caFile /nonexistent/ca.pem does not exist");
  });

  test("option errors", () => {
    expect(optionErrors(kind, { url: "ftp://x" })).toEqual(["url: expected an http:// or https:// URL"]);
    expect(optionErrors(kind, { url: base, expectStatus: "299-200" })).toEqual(["expectStatus: range 299-200 is empty: the low end is above the high end"]);
    expect(optionErrors(kind, { url: base, expectStatus: "2xx" })).toEqual(['expectStatus: expected a status or range such as 200 or "200-399"']);
    expect(optionErrors(kind, { url: base, tls: { certFile: "/c" } })).toEqual(["tls.certFile: certFile and keyFile go together: give both or neither"]);
    expect(optionErrors(kind, { url: base, timeout: 5 })).toEqual([': Unrecognized key: "timeout"']);
  });
});
