import { describe, expect, test } from "bun:test";
import type { CliDeps } from "../../src/cli/cli-deps.ts";
import { runCli } from "../../src/cli/run-cli.ts";
import type { NethealthReport } from "../../src/nethealth/peer-report.ts";
import { freePort, waitFor } from "../support/processes.ts";

/** `satellite nethealth` in this process over real loopback sockets; it runs until `stop()`. */
function nethealth(...args: string[]) {
  const err: string[] = [];
  let stop: (signal: string) => void = () => undefined;
  const unused = () => {
    throw new Error("nethealth must not use this");
  };
  const deps = {
    out: unused,
    err: (t: string) => err.push(t),
    env: {},
    fetch: unused,
    readFile: unused,
    hostname: () => "this-host",
    cwd: unused,
    agentPlatform: unused,
    waitForStopSignal: () => new Promise<string>((resolve) => (stop = resolve)),
  } as unknown as CliDeps;
  const exited = runCli(["nethealth", ...args], deps);
  /** The HTTP address from the start line, once it is logged. */
  const http = () => err.join("\n").match(/nethealth started .* http=(\S+)/)?.[1];
  return { err, exited, http, stop: () => stop("SIGTERM") };
}

describe("satellite nethealth", () => {
  test("two instances echo over loopback UDP; /peers shows the other with no loss; SIGTERM ends with 0", async () => {
    const [portA, portB] = [await freePort(), await freePort()];
    const common = ["--http-addr", "127.0.0.1:0", "--interval", "50ms", "--timeout", "200ms", "--window", "5", "--peers", `a:127.0.0.1:${portA},b:127.0.0.1:${portB}`];
    const a = nethealth("--name", "a", "--echo-addr", `127.0.0.1:${portA}`, ...common);
    const b = nethealth("--name", "b", "--echo-addr", `127.0.0.1:${portB}`, ...common);
    try {
      await waitFor(() => a.http() !== undefined && b.http() !== undefined, 5_000, `both to start (a: ${a.err.join(" | ")}; b: ${b.err.join(" | ")})`);
      let report: NethealthReport | undefined;
      await waitFor(async () => {
        report = (await (await fetch(`http://${a.http()}/peers`)).json()) as NethealthReport;
        return report.peers[0]?.probesInWindow === 5;
      }, 5_000, "five echoes from a to b");
      expect(report?.node).toBe("a");
      expect(report?.peers.map((p) => [p.name, p.addr, p.lossPercent])).toEqual([["b", `127.0.0.1:${portB}`, 0]]);
      expect(await (await fetch(`http://${a.http()}/metrics`)).text()).toContain('satellite_nethealth_peer_loss_ratio{peer="b"} 0');
    } finally {
      a.stop();
      b.stop();
    }
    expect([await a.exited, await b.exited]).toEqual([0, 0]);
    expect(a.err.join("\n")).toContain("nethealth started part=nethealth node=a");
  }, 20_000);

  test("a bad flag: exit 2 naming the flag, what is wrong and where the flags are listed; nothing is opened", async () => {
    const run = nethealth("--peers", "10.0.0.1", "--window", "x");
    expect(await run.exited).toBe(2);
    expect(run.err.join("\n")).toBe(
      [
        "satellite nethealth: invalid configuration:",
        '  - flag --window: "x" is not a number of echoes from 1 to 3600',
        '  - flag --peers: "10.0.0.1" has no node name; expected name:ip or name:ip:port (IPv6 in brackets: name:[fd00::1]:7580)',
        "fix the flags above; `satellite help nethealth` lists them",
      ].join("\n"),
    );
  });

  test("an HTTP port in use: exit 1 naming the address and the flag to change", async () => {
    const taken = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("") });
    try {
      const run = nethealth("--echo-addr", "127.0.0.1:0", "--http-addr", `127.0.0.1:${taken.port}`, "--peers", "x:127.0.0.1:9");
      expect(await run.exited).toBe(1);
      expect(run.err.join("\n")).toContain(`satellite nethealth: cannot serve HTTP on 127.0.0.1:${taken.port}: `);
      expect(run.err.join("\n")).toContain("pick another --http-addr");
    } finally {
      taken.stop(true);
    }
  });
});
