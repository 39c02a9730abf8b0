import { describe, expect, test } from "bun:test";
import type { ExecRanEvent } from "../../src/events/agent-event.ts";
import { createRecordedExec } from "../../src/platform/exec.ts";
import { silentLogger } from "../../src/platform/logger.ts";
import { ManualClock } from "../../src/platform/manual-clock.ts";
import { createExecClient, EXEC_QUERY_MARGIN_MS, exactTags } from "../../src/remote-exec/exec-client.ts";
import type { ExecSecrets } from "../../src/remote-exec/exec-keys.ts";
import { encodeExecReply } from "../../src/remote-exec/exec-reply.ts";
import { createExecResponder, EXEC_QUERY_NAME, type ExecSettings } from "../../src/remote-exec/exec-responder.ts";
import { createFakeQuerying, type FakeNode } from "./fake-querying.ts";

const KEY = new Uint8Array(32).fill(5);
const SECRETS: ExecSecrets = { gossipKeys: [KEY] };
const ALLOW_UPTIME: ExecSettings = { enabled: true, allow: ["uptime"], timeoutMs: 10_000, outputBytesMax: 4096 };

function node(name: string, tags: Record<string, string>, settings: ExecSettings, clock: ManualClock, events: ExecRanEvent[], secrets: ExecSecrets = SECRETS): FakeNode {
  const responder = createExecResponder({ nodeName: name, settings, secrets: () => secrets, exec: createRecordedExec((argv) => ({ stdout: `${name}: ${argv.join(" ")}\n` })), clock, publish: (e) => events.push(e), logger: silentLogger });
  return { name, tags, answer: (q) => responder.answer(q) };
}

function client(querying: ReturnType<typeof createFakeQuerying>, clock: ManualClock, secrets: ExecSecrets = SECRETS) {
  let counter = 0;
  return createExecClient({ nodeName: "node-a", querying: () => querying, secrets: () => secrets, clock, randomBytes: (n) => new Uint8Array(n).fill(++counter) });
}

describe("exec client", () => {
  test("runs on the tagged nodes only, collects each signed answer, and the query waits past the exec timeout", async () => {
    const clock = new ManualClock();
    const events: ExecRanEvent[] = [];
    const querying = createFakeQuerying([
      node("web-1", { role: "node", app: "web" }, ALLOW_UPTIME, clock, events),
      node("web-2", { role: "node", app: "web" }, { ...ALLOW_UPTIME, enabled: false }, clock, events),
      node("db-1", { role: "node", app: "webdb" }, ALLOW_UPTIME, clock, events),
    ]);
    const seen: string[] = [];
    const result = await client(querying, clock).run({ argv: ["uptime"], tags: { app: "web" }, timeoutMs: 5_000, caller: "api 127.0.0.1 loopback" }, (r) => seen.push(r.node));
    expect(result.id).toBe("01".repeat(16));
    expect(result.results).toEqual([
      { node: "web-1", outcome: "ran", exitCode: 0, signal: undefined, timedOut: undefined, durationMs: 0, stdout: "web-1: uptime\n", stderr: "", truncated: false, reason: undefined },
      { node: "web-2", outcome: "refused", exitCode: undefined, signal: undefined, timedOut: undefined, durationMs: 0, stdout: "", stderr: "", truncated: false, reason: "exec is disabled on this node (exec.enabled is false)" },
    ]);
    expect(seen.sort()).toEqual(["web-1", "web-2"]);
    expect(querying.sent[0]).toMatchObject({ name: EXEC_QUERY_NAME, filterTags: { app: "^web$" }, timeoutMs: 5_000 + EXEC_QUERY_MARGIN_MS, requestAck: true });
    expect(querying.sent[0]?.responsesWanted).toBeUndefined();
    expect(events.map((e) => [e.node, e.outcome, e.requester])).toEqual([
      ["web-1", "ran", "node-a api 127.0.0.1 loopback"],
      ["web-2", "refused", "node-a api 127.0.0.1 loopback"],
    ]);
  });

  test("--node limits the nodes; a node that acks without answering is listed as no-answer", async () => {
    const clock = new ManualClock();
    const querying = createFakeQuerying([node("a", { role: "node" }, ALLOW_UPTIME, clock, []), { name: "b", tags: { role: "node" } }, node("c", { role: "node" }, ALLOW_UPTIME, clock, [])]);
    const result = await client(querying, clock).run({ argv: ["uptime"], nodes: ["a", "b"], timeoutMs: 1_000, caller: "cli" });
    expect(result.results.map((r) => [r.node, r.outcome])).toEqual([
      ["a", "ran"],
      ["b", "no-answer"],
    ]);
  });

  test("an answer not signed with a key of this cluster is shown without its output", async () => {
    const clock = new ManualClock();
    const forger: FakeNode = { name: "evil", tags: {}, answer: async (q) => encodeExecReply({ id: JSON.parse(Buffer.from(q.payload.subarray(3, 3 + Buffer.from(q.payload).readUInt16BE(1))).toString()).id, node: "evil", outcome: "ran", exitCode: 0, durationMs: 1, stdout: "all fine, trust me", stderr: "", truncated: false }, undefined) };
    const result = await client(createFakeQuerying([forger]), clock).run({ argv: ["uptime"], timeoutMs: 1_000, caller: "cli" });
    expect(result.results).toEqual([{ node: "evil", outcome: "unverified", stdout: "", stderr: "", truncated: false, reason: "answer is not signed with a key of this cluster: its output is not shown" }]);
  });

  test("a node that does not share the key refuses; its unsigned refusal is shown as such", async () => {
    const clock = new ManualClock();
    const other = { gossipKeys: [new Uint8Array(32).fill(6)] };
    const querying = createFakeQuerying([node("x", {}, ALLOW_UPTIME, clock, [], other)]);
    const [result] = (await client(querying, clock).run({ argv: ["uptime"], timeoutMs: 1_000, caller: "cli" })).results;
    expect(result).toMatchObject({ node: "x", outcome: "refused", reason: expect.stringMatching(/^request refused \(bad-signature\).*\(unsigned answer\)$/) });
  });

  test("without a key or token, without gossip, or with a request too large, it refuses before sending", async () => {
    const clock = new ManualClock();
    const querying = createFakeQuerying([]);
    await expect(client(querying, clock, { gossipKeys: [] }).run({ argv: ["uptime"], timeoutMs: 1_000, caller: "cli" })).rejects.toMatchObject({ code: "EXEC_NO_KEY" });
    await expect(createExecClient({ nodeName: "a", querying: () => undefined, secrets: () => SECRETS, clock, randomBytes: (n) => new Uint8Array(n) }).run({ argv: ["uptime"], timeoutMs: 1, caller: "cli" })).rejects.toMatchObject({ code: "EXEC_NO_GOSSIP" });
    await expect(client(querying, clock).run({ argv: Array.from({ length: 8 }, () => "y".repeat(200)), timeoutMs: 1_000, caller: "cli" })).rejects.toMatchObject({ code: "EXEC_REQUEST_INVALID" });
    expect(querying.sent).toEqual([]);
  });

  test("the query ends once as many nodes answered as this node sees matching", async () => {
    const clock = new ManualClock();
    const querying = createFakeQuerying([node("a", { app: "web" }, ALLOW_UPTIME, clock, [])]);
    const filters: unknown[] = [];
    const counting = createExecClient({ nodeName: "node-a", querying: () => querying, secrets: () => SECRETS, clock, randomBytes: (n) => new Uint8Array(n), membersMatching: (f) => (filters.push(f), 2) });
    await counting.run({ argv: ["uptime"], tags: { app: "web" }, nodes: ["a", "b"], timeoutMs: 1_000, caller: "cli" });
    expect(filters).toEqual([{ tags: { app: "web" }, nodes: ["a", "b"] }]);
    expect(querying.sent[0]?.responsesWanted).toBe(2);
  });

  test("tag values match exactly: serf's regular expressions are anchored and escaped", () => {
    expect(exactTags({ app: "web", v: "1.2+x" })).toEqual({ app: "^web$", v: "^1\\.2\\+x$" });
    expect(new RegExp(exactTags({ v: "1.2+x" })?.v as string).test("1.2+x")).toBe(true);
    expect(new RegExp(exactTags({ v: "1.2+x" })?.v as string).test("1x2+x")).toBe(false);
  });
});
