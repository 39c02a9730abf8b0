import { describe, expect, test } from "bun:test";
import type { Gossip } from "../../src/agent/gossip.ts";
import { answerQueriesWithHandlers } from "../../src/agent/query-handlers.ts";
import { setupSerfQueries } from "../../src/agent/serf-queries-setup.ts";
import { decodeSerfMessage, decodeTags, encodeSerfMessage, encodeTags } from "../../src/cluster/serf-wire.ts";
import { parseEventHandlerSpec } from "../../src/config/event-handler-spec.ts";
import type { Exec, ExecOptions } from "../../src/platform/exec.ts";
import { silentLogger } from "../../src/platform/logger.ts";
import { SerfSim } from "../sim/serf-cluster.ts";

describe("query:NAME=COMMAND handler specs", () => {
  test.each([
    ["query:uptime=/usr/bin/uptime", { types: [], command: "/usr/bin/uptime", query: "uptime" }],
    ["  query:who=echo $SATELLITE_SELF_NAME", { types: [], command: "echo $SATELLITE_SELF_NAME", query: "who" }],
  ])("%p answers queries", (text, spec) => {
    expect(parseEventHandlerSpec(text)).toEqual({ ok: true, spec });
  });

  test.each([
    ["query:_serf_ping=x", /serf's internal queries/],
    ["query:who=", /no command after query:who=/],
  ])("%p is refused: %p", (text, message) => {
    const parsed = parseEventHandlerSpec(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(message);
  });
});

describe("query handlers answer serf queries (simulation)", () => {
  test("the command gets the payload on stdin and the query in its environment; its output is the answer, a failure answers nothing", async () => {
    // serf's own bytes, so the response limit means what it means on the wire.
    const sim = new SerfSim({ seed: 4, codec: { encode: encodeSerfMessage, decode: decodeSerfMessage }, tagCodec: { encode: encodeTags, decode: decodeTags } });
    await sim.startCluster(3);
    if ((await sim.advanceUntil(() => sim.converged(), 30_000)) < 0) throw new Error("no convergence");
    const runs: { argv: readonly string[]; options: ExecOptions }[] = [];
    const exec = (output: string, exitCode = 0): Exec => ({
      run: async (argv, options) => {
        runs.push({ argv, options });
        return { exitCode, signalCode: null, stdout: output, stderr: exitCode === 0 ? "" : "boom", truncated: false, aborted: false };
      },
    });
    const specs = [parseEventHandlerSpec("query:who=hostname"), parseEventHandlerSpec("query:who=second"), parseEventHandlerSpec("NodeFailed=page")].map((p) => (p.ok ? p.spec : undefined)!);
    sim.running().forEach((node, i) =>
      answerQueriesWithHandlers({ handlers: specs, querying: node.serf, exec: exec(i === 2 ? "" : i === 1 ? "x".repeat(5000) : `I am ${node.name}\n`, i === 2 ? 1 : 0), clock: sim.clock, logger: silentLogger, self: { name: node.name, tags: { role: "node" } }, timeoutMs: 1000 }),
    );
    const result = await sim.settle(sim.nodes.get("node-0")!.serf.query({ name: "who", payload: new TextEncoder().encode("ping"), timeoutMs: 2000 }));
    const answers = Object.fromEntries(result.responses.map((r) => [r.from, r.payload.length > 100 ? r.payload.length : new TextDecoder().decode(r.payload)]));
    expect(answers["node-0"]).toBe("I am node-0\n");
    expect(answers["node-1"]).toBeLessThanOrEqual(1024 - 64);
    expect("node-2" in answers).toBe(false);
    expect(runs.map((r) => r.argv.join(" "))).toEqual(["/bin/sh -c hostname", "/bin/sh -c hostname", "/bin/sh -c hostname"]);
    expect(runs[0]?.options.stdin).toBe("ping");
    expect(runs[0]?.options.env).toMatchObject({ SATELLITE_EVENT: "query", SATELLITE_QUERY_NAME: "who", SATELLITE_QUERY_SOURCE: "node-0", SATELLITE_SELF_NAME: "node-0" });
  });
});

describe("query handlers follow a reloaded config", () => {
  test("after reloadHandlers the new command answers and the old one no longer does", async () => {
    const sim = new SerfSim({ seed: 8 });
    await sim.startCluster(2);
    if ((await sim.advanceUntil(() => sim.converged(), 30_000)) < 0) throw new Error("no convergence");
    const node1 = sim.nodes.get("node-1")!;
    const exec: Exec = { run: async (argv) => ({ exitCode: 0, signalCode: null, stdout: argv[2] ?? "", stderr: "", truncated: false, aborted: false }) };
    const spec = (text: string) => {
      const parsed = parseEventHandlerSpec(text);
      if (!parsed.ok) throw new Error(parsed.error);
      return parsed.spec;
    };
    const config = { name: "node-1", keyringFile: undefined, tags: {}, eventHandlerTimeout: "5s", eventHandlers: [spec("query:v=one")] };
    const setup = setupSerfQueries(config, { member: { serf: node1.serf }, keyring: undefined } as unknown as Gossip, { logger: silentLogger, exec, clock: sim.clock });
    const ask = async (name: string) => (await sim.settle(sim.nodes.get("node-0")!.serf.query({ name, payload: new Uint8Array(), timeoutMs: 1000 }))).responses.map((r) => new TextDecoder().decode(r.payload));
    expect(await ask("v")).toEqual(["one"]);
    setup.reloadHandlers({ ...config, eventHandlers: [spec("query:w=two")] });
    expect(await ask("v")).toEqual([]);
    expect(await ask("w")).toEqual(["two"]);
    setup.stop();
    expect(await ask("w")).toEqual([]);
  });
});
