import { afterAll, beforeAll, expect, test } from "bun:test";
import { httpKind } from "../../src/checkers/http.ts";
import { systemHostFiles } from "../../src/platform/host-files.ts";
import { bunHttpFetch } from "../../src/platform/http-fetch.ts";
import { closedPort, runOnce, testEnv } from "./_helpers.ts";

const kind = httpKind({ http: bunHttpFetch, files: systemHostFiles });
const env = testEnv("/tmp");
let server: ReturnType<typeof Bun.serve>;
beforeAll(() => {
  server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("ok") });
});
afterAll(() => server.stop(true));

// What a check reports goes to /status, history, InfluxDB and every other node.
test("a check's error and detail never carry URL credentials", async () => {
  const [refused] = await runOnce(kind, { url: `http://admin:s3cret@127.0.0.1:${await closedPort()}/health?token=t0ken` }, env);
  expect(refused?.status).toBe("failed");
  expect(refused?.error).toContain("admin:***@127.0.0.1");
  expect(JSON.stringify(refused)).not.toMatch(/s3cret|t0ken/);
  const [ok] = await runOnce(kind, { url: `http://admin:s3cret@127.0.0.1:${server.port}/health` }, env);
  expect(ok?.status).toBe("running");
  expect(ok?.detail).toContain("admin:***@");
  expect(JSON.stringify(ok)).not.toContain("s3cret");
});
