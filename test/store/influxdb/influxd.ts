// Starts a real influxd (Debian influxdb 1.6) on free loopback ports in a temp dir.
import { mkdtempSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";

export interface Influxd {
  url: string;
  dir: string;
  start(): Promise<void>;
  /** Graceful stop (SIGTERM), waiting for exit. */
  stop(): Promise<void>;
  /** Stops and removes the temp dir. */
  cleanup(): Promise<void>;
}

export const influxdAvailable = existsSync("/usr/bin/influxd");

export function freePort(): number {
  const server = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = server.port;
  server.stop(true);
  return port;
}

/** `auth`: HTTP authentication on (create the first admin user before anything else). */
export function createInfluxd(options: { auth?: boolean } = {}): Influxd {
  const dir = mkdtempSync(join(tmpdir(), "satellite-influxd-"));
  const httpPort = freePort();
  const rpcPort = freePort();
  const config = join(dir, "influxdb.conf");
  writeFileSync(
    config,
    `reporting-disabled = true
bind-address = "127.0.0.1:${rpcPort}"
[meta]
  dir = "${dir}/meta"
[data]
  dir = "${dir}/data"
  wal-dir = "${dir}/wal"
  query-log-enabled = false
[http]
  bind-address = "127.0.0.1:${httpPort}"
  log-enabled = false
  auth-enabled = ${options.auth === true}
[monitor]
  store-enabled = false
[continuous_queries]
  enabled = false
[subscriber]
  enabled = false
`,
  );
  const url = `http://127.0.0.1:${httpPort}`;
  let proc: Subprocess | undefined;

  const ping = async (): Promise<boolean> => {
    try {
      const r = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(500) });
      return r.status === 204;
    } catch {
      return false;
    }
  };

  return {
    url,
    dir,
    async start() {
      proc = Bun.spawn(["influxd", "-config", config], { stdout: "ignore", stderr: Bun.file(join(dir, "influxd.log")) });
      const deadline = performance.now() + 15_000;
      while (!(await ping())) {
        if (proc.exitCode !== null) throw new Error(`influxd exited with ${proc.exitCode}; see ${dir}/influxd.log`);
        if (performance.now() > deadline) throw new Error(`influxd did not answer /ping on ${url} within 15 s`);
        await Bun.sleep(50);
      }
    },
    async stop() {
      if (!proc || proc.exitCode !== null) return;
      proc.kill("SIGTERM");
      const exited = await Promise.race([proc.exited.then(() => true), Bun.sleep(10_000).then(() => false)]);
      if (!exited) {
        proc.kill("SIGKILL");
        await proc.exited;
      }
    },
    async cleanup() {
      await this.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
