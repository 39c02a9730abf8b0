import { describe, expect, test } from "bun:test";
import type { ExecRanEvent } from "../../src/events/agent-event.ts";
import type { Exec, ExecOptions, ExecResult } from "../../src/platform/exec.ts";
import { createRecordedExec } from "../../src/platform/exec.ts";
import { SatelliteError } from "../../src/platform/errors.ts";
import { silentLogger } from "../../src/platform/logger.ts";
import { ManualClock } from "../../src/platform/manual-clock.ts";
import { signingKeys, verifyingKeys, type ExecSecrets } from "../../src/remote-exec/exec-keys.ts";
import { decodeExecReply, type ExecReply } from "../../src/remote-exec/exec-reply.ts";
import { encodeExecRequest, type ExecRequest } from "../../src/remote-exec/exec-request.ts";
import { createExecResponder, EXEC_QUERY_NAME, type ExecResponderOptions, type ExecSettings } from "../../src/remote-exec/exec-responder.ts";

const KEY = new Uint8Array(32).fill(3);
const SECRETS: ExecSecrets = { gossipKeys: [KEY] };
const ENABLED: ExecSettings = { enabled: true, allow: ["uptime", "systemctl status *", "sleep *"], timeoutMs: 5_000, outputBytesMax: 4096 };
let nextId = 0;

function setup(overrides: Partial<ExecResponderOptions> = {}, exec: Exec = createRecordedExec(() => ({ stdout: "up 3 days\n" }))) {
  const clock = new ManualClock();
  const events: ExecRanEvent[] = [];
  const responder = createExecResponder({ nodeName: "node-b", settings: ENABLED, secrets: () => SECRETS, exec, clock, publish: (e) => events.push(e), logger: silentLogger, ...overrides });
  const request = (argv: string[], fields: Partial<ExecRequest> = {}, signWith: ExecSecrets = SECRETS): { id: string; payload: Uint8Array } => {
    const id = (nextId++).toString(16).padStart(32, "0");
    return { id, payload: encodeExecRequest({ id, issuedAtMs: clock.nowMs(), origin: "node-a", caller: "api 127.0.0.1 loopback", argv, timeoutMs: 10_000, ...fields }, signingKeys(signWith)) };
  };
  const ask = async (sent: { id: string; payload: Uint8Array }): Promise<{ reply: ExecReply; verified: boolean }> => {
    const bytes = await responder.answer({ name: EXEC_QUERY_NAME, payload: sent.payload, sourceNode: "node-a", ltime: 1, id: 1 });
    if (!bytes) throw new Error("no answer");
    const decoded = decodeExecReply(bytes, verifyingKeys(SECRETS), sent.id);
    if (!decoded.ok) throw new Error(decoded.message);
    return decoded;
  };
  return { clock, events, responder, request, ask, exec };
}

describe("exec responder", () => {
  test("an allowed command runs without a shell, in a fixed environment, and the signed answer carries its output", async () => {
    const exec = createRecordedExec(() => ({ stdout: "up 3 days\n", exitCode: 0 }));
    const runs: ExecOptions[] = [];
    const spy: Exec = { run: (argv, options) => (runs.push(options), exec.run(argv, options)) };
    const { ask, request, events } = setup({}, spy);
    const { reply, verified } = await ask(request(["systemctl", "status", "kubelet"]));
    expect(verified).toBe(true);
    expect(reply).toMatchObject({ node: "node-b", outcome: "ran", exitCode: 0, stdout: "up 3 days\n", truncated: false });
    expect(exec.calls).toEqual([["systemctl", "status", "kubelet"]]);
    expect(runs[0]?.env).toEqual({ PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", LANG: "C", HOME: "/" });
    expect(runs[0]?.outputBytesMax).toBe(4096);
    expect(events).toEqual([expect.objectContaining({ type: "ExecRan", node: "node-b", requester: "node-a api 127.0.0.1 loopback", argv: ["systemctl", "status", "kubelet"], outcome: "ran", exitCode: 0, allowedBy: "systemctl status *" })]);
  });

  test("a command outside the allowlist is refused, recorded with the reason, and nothing runs", async () => {
    const { ask, request, events, exec } = setup();
    const { reply, verified } = await ask(request(["systemctl", "restart", "kubelet"]));
    expect(verified).toBe(true);
    expect(reply).toMatchObject({ outcome: "refused", reason: "not in this node's allowlist (exec.allow)" });
    expect((exec as ReturnType<typeof createRecordedExec>).calls).toEqual([]);
    expect(events).toEqual([expect.objectContaining({ outcome: "refused", reason: "not in this node's allowlist (exec.allow)", requester: "node-a api 127.0.0.1 loopback", argv: ["systemctl", "restart", "kubelet"] })]);
  });

  test("a node with exec disabled refuses even an allowed command, and says so", async () => {
    const { ask, request, events, exec } = setup({ settings: { ...ENABLED, enabled: false } });
    const { reply } = await ask(request(["uptime"]));
    expect(reply).toMatchObject({ outcome: "refused", reason: "exec is disabled on this node (exec.enabled is false)" });
    expect((exec as ReturnType<typeof createRecordedExec>).calls).toEqual([]);
    expect(events[0]).toMatchObject({ outcome: "refused", reason: "exec is disabled on this node (exec.enabled is false)" });
  });

  test("a node with neither a gossip key nor an API token runs nothing", async () => {
    const { ask, request, exec } = setup({ secrets: () => ({ gossipKeys: [] }) });
    const { reply, verified } = await ask(request(["uptime"]));
    expect(verified).toBe(false);
    expect(reply.reason).toContain("neither a gossip key nor an API token");
    expect((exec as ReturnType<typeof createRecordedExec>).calls).toEqual([]);
  });

  test("a request signed with another key is refused unsigned and recorded as unverified", async () => {
    const { ask, request, events, exec } = setup();
    const { reply, verified } = await ask(request(["uptime"], {}, { gossipKeys: [new Uint8Array(32).fill(9)] }));
    expect(verified).toBe(false);
    expect(reply).toMatchObject({ outcome: "refused", reason: expect.stringContaining("request refused (bad-signature)") });
    expect((exec as ReturnType<typeof createRecordedExec>).calls).toEqual([]);
    expect(events[0]?.requester).toBe("unverified: node-a api 127.0.0.1 loopback");
  });

  test("a replayed request is refused the second time; an expired one at all", async () => {
    const { ask, request, clock, exec } = setup();
    const sent = request(["uptime"]);
    expect((await ask(sent)).reply.outcome).toBe("ran");
    await clock.advance(1_000);
    expect((await ask(sent)).reply).toMatchObject({ outcome: "refused", reason: expect.stringContaining("(replayed)") });
    const old = request(["uptime"], { issuedAtMs: clock.nowMs() - 60_000 });
    expect((await ask(old)).reply).toMatchObject({ outcome: "refused", reason: expect.stringContaining("(expired)") });
    expect((exec as ReturnType<typeof createRecordedExec>).calls.length).toBe(1);
  });

  test("the timeout aborts the run (the Exec kills its process tree) and the answer says it timed out", async () => {
    let signal: AbortSignal | undefined;
    const hanging: Exec = {
      run: (_argv, options) =>
        new Promise<ExecResult>((resolve) => {
          signal = options.signal;
          options.signal.addEventListener("abort", () => resolve({ exitCode: null, signalCode: "SIGKILL", stdout: "partial", stderr: "", truncated: false, aborted: true }));
        }),
    };
    const { responder, request, clock, events } = setup({ settings: { ...ENABLED, timeoutMs: 2_000 } }, hanging);
    const sent = request(["sleep", "60"], { timeoutMs: 10_000 });
    const answer = responder.answer({ name: EXEC_QUERY_NAME, payload: sent.payload, sourceNode: "node-a", ltime: 1, id: 1 });
    await clock.advance(1_999);
    expect(signal?.aborted).toBe(false);
    await clock.advance(1);
    const decoded = decodeExecReply((await answer) as Uint8Array, verifyingKeys(SECRETS), sent.id);
    expect(decoded).toMatchObject({ ok: true, reply: { outcome: "ran", exitCode: null, signal: "SIGKILL", timedOut: true, stdout: "partial", reason: "killed after the 2000 ms timeout" } });
    expect(events[0]).toMatchObject({ outcome: "ran", timedOut: true, durationMs: 2_000 });
  });

  test("a request's shorter timeout wins over the node's", async () => {
    let abortedAt: number | undefined;
    const { responder, request, clock } = setup({}, {
      run: (_argv, options) =>
        new Promise<ExecResult>((resolve) => {
          options.signal.addEventListener("abort", () => {
            abortedAt = clock.monotonicMs();
            resolve({ exitCode: null, signalCode: "SIGKILL", stdout: "", stderr: "", truncated: false, aborted: true });
          });
        }),
    });
    const answer = responder.answer({ name: EXEC_QUERY_NAME, payload: request(["sleep", "60"], { timeoutMs: 300 }).payload, sourceNode: "node-a", ltime: 1, id: 1 });
    await clock.advance(5_000);
    await answer;
    expect(abortedAt).toBe(300);
  });

  test("a program that cannot start is answered as failed with the reason", async () => {
    const { ask, request, events } = setup({}, createRecordedExec(() => new SatelliteError("exec-start", "cannot start uptime: ENOENT")));
    const { reply } = await ask(request(["uptime"]));
    expect(reply).toMatchObject({ outcome: "failed", reason: "cannot start uptime: ENOENT" });
    expect(events[0]).toMatchObject({ outcome: "failed", reason: "cannot start uptime: ENOENT" });
  });

  test("commands beyond runningMax are refused as busy", async () => {
    const pending: (() => void)[] = [];
    const slow: Exec = { run: () => new Promise<ExecResult>((resolve) => pending.push(() => resolve({ exitCode: 0, signalCode: null, stdout: "", stderr: "", truncated: false, aborted: false }))) };
    const { responder, request, ask } = setup({ runningMax: 1 }, slow);
    const first = responder.answer({ name: EXEC_QUERY_NAME, payload: request(["uptime"]).payload, sourceNode: "node-a", ltime: 1, id: 1 });
    expect((await ask(request(["uptime"]))).reply).toMatchObject({ outcome: "refused", reason: expect.stringContaining("running on this node already") });
    pending[0]?.();
    await first;
    const again = ask(request(["uptime"]));
    await Promise.resolve();
    pending[1]?.();
    expect((await again).reply.outcome).toBe("ran");
  });

  test("long output is cut to the answer's limit and marked truncated", async () => {
    const { ask, request } = setup({ replyBytesMax: 600 }, createRecordedExec(() => ({ stdout: "x".repeat(5_000) })));
    const { reply } = await ask(request(["uptime"]));
    expect(reply.truncated).toBe(true);
    expect(reply.stdout.length).toBeGreaterThan(300);
    expect(reply.stdout.length).toBeLessThan(600);
  });

  test("unverified refusals reach the timeline at a bounded rate; verified ones always", async () => {
    const { ask, request, events, clock } = setup({ unverifiedRecordsPerMinute: 2 });
    const stranger = { gossipKeys: [new Uint8Array(32).fill(9)] };
    for (let i = 0; i < 5; i++) await ask(request(["uptime"], {}, stranger));
    expect(events.length).toBe(2);
    for (let i = 0; i < 3; i++) await ask(request(["rm", "-rf", "/"]));
    expect(events.length).toBe(5);
    await clock.advance(60_000);
    await ask(request(["uptime"], {}, stranger));
    expect(events.length).toBe(6);
  });
});
