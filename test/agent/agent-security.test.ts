import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startAgent, type RunningAgent } from "../../src/agent/agent.ts";
import { apiServerOptions, PATHS_WITHOUT_CLIENT_CERT } from "../../src/agent/api-tls.ts";
import type { AgentPlatform } from "../../src/agent/platform-deps.ts";
import { checkerKinds, findCheckerKind } from "../../src/checkers/all-kinds.ts";
import type { CliDeps } from "../../src/cli/cli-deps.ts";
import { createAgentPlatform } from "../../src/cli/process-platform.ts";
import { runCli } from "../../src/cli/run-cli.ts";
import { ConfigError } from "../../src/config/config-error.ts";
import { loadAgentConfig } from "../../src/config/load.ts";
import { createMemoryLogger } from "../../src/platform/logger.ts";
import { readRegularTextFile } from "../../src/platform/regular-file.ts";
import { type TestPki, makeTestPki } from "../checkers/_certs.ts";

/** Whole agents (startAgent with the process's real platform) on loopback ports, with real certificates. */

const work = mkdtempSync(join(tmpdir(), "satellite-agent-security-"));
let pki: TestPki;
beforeAll(() => {
  pki = makeTestPki(work);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const kinds = { find: (kind: string) => findCheckerKind(kind), names: checkerKinds.map((k) => k.kind) };

async function startTestAgent(name: string, flags: Record<string, string>) {
  const config = loadAgentConfig({
    flags: { name, "rpc-addr": "127.0.0.1:0", "state-dir": join(work, name), config: join(work, "no-checks.json"), ...flags },
    env: {},
    readFile: (path, bytesMax) => (path.endsWith("no-checks.json") ? '{"defaultChecks": false}' : readRegularTextFile(path, bytesMax)),
    hostname: () => name,
    cwd: work,
    findKind: kinds.find,
    kindNames: kinds.names,
  });
  const logger = createMemoryLogger();
  const platform: AgentPlatform = { ...createAgentPlatform(), logger };
  const agent = await startAgent(config, platform, kinds);
  return { agent, logLines: logger.lines, port: agent.apiAddresses[0]?.port };
}

const read = (path: string) => readFileSync(path, "utf8");
/** One connection per request: a connection made with a client certificate never carries one meant to go without. */
const fetchTls = (url: string, tls: Record<string, string>) => fetch(url, { tls, keepalive: false, headers: { connection: "close" } } as RequestInit);

describe("an agent serving its API over TLS with client certificates, gossip on loopback", () => {
  let running: { agent: RunningAgent; logLines: string[]; port?: number };
  let base: string;
  beforeAll(async () => {
    running = await startTestAgent("tls-1", { "gossip-addr": "127.0.0.1:0", "cert-file": pki.serverCertFile, "key-file": pki.serverKeyFile, "client-ca-file": pki.caFile });
    base = `https://127.0.0.1:${running.port}`;
  });
  afterAll(() => running.agent.stop());

  test("probes answer without a client certificate; /readyz has a plain gossip-encryption line on loopback", async () => {
    const ca = { ca: read(pki.caFile) };
    expect((await fetchTls(`${base}/livez`, ca)).status).toBe(200);
    const ready = await fetchTls(`${base}/readyz?verbose`, ca);
    expect(ready.status).toBe(200);
    expect(await ready.text()).toContain("[+]gossip-encryption ok\n");
    expect(running.logLines.filter((l) => l.includes("NOT ENCRYPTED"))).toEqual([]);
  });

  test("the rest of the API needs a client certificate signed by the client CA", async () => {
    const refused = await fetchTls(`${base}/status`, { ca: read(pki.caFile) });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { hint: string }).hint).toContain("--client-cert-file");
    const allowed = await fetchTls(`${base}/status`, { ca: read(pki.caFile), cert: read(pki.clientCertFile), key: read(pki.clientKeyFile) });
    expect(allowed.status).toBe(200);
    expect(((await allowed.json()) as { nodes: { name: string }[] }).nodes.map((n) => n.name)).toEqual(["tls-1"]);
  });

  test("plain HTTP is not served", async () => {
    const plain = await fetch(`http://127.0.0.1:${running.port}/livez`, { signal: AbortSignal.timeout(3000) }).then(
      (r) => r.status,
      () => "refused",
    );
    expect(plain).not.toBe(200);
  });
});

describe("an agent whose gossip listens beyond loopback without a key", () => {
  let running: { agent: RunningAgent; logLines: string[]; port?: number };
  beforeAll(async () => {
    running = await startTestAgent("open-1", { "gossip-addr": "0.0.0.0:0" });
  });
  afterAll(() => running.agent.stop());

  test("warns once at start with what to do, and /readyz?verbose keeps saying it while staying ready", async () => {
    const warnings = running.logLines.filter((l) => l.includes("GOSSIP IS NOT ENCRYPTED"));
    expect(warnings).toHaveLength(1);
    for (const words of ["satellite keygen", "--encrypt-file", "0.0.0.0:0"]) expect(warnings[0]).toContain(words);
    const ready = await fetch(`http://127.0.0.1:${running.port}/readyz?verbose`);
    expect(ready.status).toBe(200);
    expect(await ready.text()).toMatch(/^\[\+\]gossip-encryption ok \(warning: gossip on 0\.0\.0\.0:0 has no key: .*satellite keygen.*--encrypt-file .*\)$/m);
    expect(await (await fetch(`http://127.0.0.1:${running.port}/readyz`)).text()).toBe("ok");
  });
});

describe("API TLS settings", () => {
  const problem = (run: () => unknown): string => {
    try {
      run();
    } catch (error) {
      if (error instanceof ConfigError) return error.message;
      throw error;
    }
    throw new Error("expected a ConfigError");
  };

  test("certificate and key go together; a client CA needs both; none is plain HTTP", () => {
    expect(apiServerOptions({})).toEqual({});
    expect(problem(() => apiServerOptions({ certFile: "/c.pem" }))).toContain("--cert-file (certFile): needs --key-file");
    expect(problem(() => apiServerOptions({ keyFile: "/k.pem" }))).toContain("--key-file (keyFile): needs --cert-file");
    expect(problem(() => apiServerOptions({ clientCaFile: "/ca.pem" }))).toContain("--client-ca-file (clientCaFile): needs --cert-file and --key-file");
    const options = apiServerOptions({ certFile: pki.serverCertFile, keyFile: pki.serverKeyFile, clientCaFile: pki.caFile });
    expect(options.tls?.pathsWithoutClientCert).toEqual(PATHS_WITHOUT_CLIENT_CERT);
    expect(options.tls?.material.clientCaPem).toContain("BEGIN CERTIFICATE");
  });

  test("a wrong file is named with its flag", () => {
    expect(problem(() => apiServerOptions({ certFile: join(work, "nope.pem"), keyFile: pki.serverKeyFile }))).toContain(`--cert-file (certFile): cannot open ${join(work, "nope.pem")}`);
    expect(problem(() => apiServerOptions({ certFile: pki.serverCertFile, keyFile: pki.clientKeyFile }))).toContain(`--key-file (keyFile): ${pki.clientKeyFile} does not match the certificate in ${pki.serverCertFile}`);
    expect(problem(() => apiServerOptions({ certFile: pki.serverCertFile, keyFile: pki.serverKeyFile, clientCaFile: pki.serverKeyFile }))).toContain(`--client-ca-file (clientCaFile): ${pki.serverKeyFile}: no PEM certificate in it`);
  });

  test("satellite agent with an unreadable certificate exits 2 naming the file, before it starts anything", async () => {
    const err: string[] = [];
    let platformBuilt = false;
    const deps = {
      out: () => {},
      err: (t: string) => err.push(t),
      env: {},
      readFile: readRegularTextFile,
      hostname: () => "h",
      cwd: () => work,
      agentPlatform: () => {
        platformBuilt = true;
        return { ...createAgentPlatform(), logger: createMemoryLogger(), makeDir: () => { throw new Error("must not start anything"); } };
      },
      waitForStopSignal: () => new Promise(() => {}),
    } as unknown as CliDeps;
    const missing = join(work, "missing-cert.pem");
    expect(await runCli(["agent", "--cert-file", missing, "--key-file", pki.serverKeyFile, "--gossip-addr", "127.0.0.1:0"], deps)).toBe(2);
    expect(platformBuilt).toBe(true);
    expect(err.join("\n")).toContain(`--cert-file (certFile): cannot open ${missing}`);
  });
});
