import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { NetAddress } from "../../src/membership/gossip-net.ts";

/** Runs a real `serf agent` on loopback for interop tests; always stop() it (afterAll). */
export interface SerfAgent {
  name: string;
  bind: NetAddress;
  rpcAddr: string;
  log(): string;
  members(): Promise<SerfMember[]>;
  stop(): Promise<void>;
}

export interface SerfMember {
  name: string;
  addr: string;
  port: number;
  tags: Record<string, string>;
  status: string;
}

export function serfAvailable(): boolean {
  return Bun.which("serf") !== null;
}

/** A port free for both TCP and UDP on 127.0.0.1. */
export async function freePort(host = "127.0.0.1"): Promise<number> {
  for (let i = 0; i < 20; i++) {
    const l = Bun.listen({ hostname: host, port: 0, socket: { data() {} } });
    const port = l.port;
    l.stop(true);
    try {
      const u = await Bun.udpSocket({ hostname: host, port });
      u.close();
      return port;
    } catch {
      // taken for UDP: try another
    }
  }
  throw new Error(`no free port for TCP+UDP on ${host}`);
}

export async function startSerf(opts: { name: string; tags?: Record<string, string>; keyringKeys?: string[]; encryptKey?: string; bindIp?: string; extraArgs?: string[] }): Promise<SerfAgent> {
  const dir = mkdtempSync(join(tmpdir(), "satellite-serf-"));
  const bindIp = opts.bindIp ?? "127.0.0.1";
  const port = await freePort(bindIp);
  const rpcPort = await freePort();
  const bindText = bindIp.includes(":") ? `[${bindIp}]:${port}` : `${bindIp}:${port}`;
  const args = ["agent", `-node=${opts.name}`, `-bind=${bindText}`, `-rpc-addr=127.0.0.1:${rpcPort}`, "-log-level=debug"];
  for (const [k, v] of Object.entries(opts.tags ?? {})) args.push(`-tag`, `${k}=${v}`);
  if (opts.encryptKey) args.push(`-encrypt=${opts.encryptKey}`);
  if (opts.keyringKeys) {
    const file = join(dir, "keyring.json");
    writeFileSync(file, JSON.stringify(opts.keyringKeys));
    args.push(`-keyring-file=${file}`);
  }
  args.push(...(opts.extraArgs ?? []));
  const proc = Bun.spawn(["serf", ...args], { stdout: "pipe", stderr: "pipe" });
  let output = "";
  const pump = async (stream: ReadableStream<Uint8Array>): Promise<void> => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) output += decoder.decode(chunk);
  };
  void pump(proc.stdout);
  void pump(proc.stderr);
  const rpcAddr = `127.0.0.1:${rpcPort}`;
  const agent: SerfAgent = {
    name: opts.name,
    bind: { ip: bindIp, port },
    rpcAddr,
    log: () => output,
    async members() {
      const p = Bun.spawn(["serf", "members", `-rpc-addr=${rpcAddr}`, "-format=json"], { stdout: "pipe", stderr: "pipe" });
      const text = await new Response(p.stdout).text();
      await p.exited;
      if (p.exitCode !== 0) throw new Error(`serf members failed: ${await new Response(p.stderr).text()}`);
      return (JSON.parse(text) as { members: SerfMember[] }).members;
    },
    async stop() {
      proc.kill("SIGKILL");
      await proc.exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await waitFor(() => output.includes("Serf agent running"), 10_000, `serf agent ${opts.name} to start`, () => output);
  } catch (error) {
    await agent.stop();
    throw error;
  }
  return agent;
}

/** Polls `cond` until true or the deadline passes (then throws with `what`). */
export async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs: number, what: string, context?: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${context ? `\n${context().slice(-3000)}` : ""}`);
    await Bun.sleep(20);
  }
}

export function writeTempFile(name: string, content: string): { path: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "satellite-wire-"));
  const path = join(dir, name);
  writeFileSync(path, content);
  return { path, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
