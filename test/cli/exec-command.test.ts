import { describe, expect, test } from "bun:test";
import type { ExecAnswer, RemoteExecSource } from "../../src/api/exec-routes.ts";
import { makeApp } from "../api/app-fixture.ts";
import { cliFixture } from "./cli-fixture.ts";

function agentAnswering(answer: ExecAnswer) {
  const requests: Parameters<RemoteExecSource["run"]>[0][] = [];
  const remoteExec: RemoteExecSource = {
    run: async (request) => {
      requests.push(request);
      return answer;
    },
  };
  return { app: makeApp({ remoteExec }).app, requests };
}

const MIXED: ExecAnswer = {
  id: "ab".repeat(16),
  results: [
    { node: "web-1", outcome: "ran", exitCode: 0, durationMs: 12, stdout: "up 3 days\n", stderr: "", truncated: false },
    { node: "web-2", outcome: "refused", stdout: "", stderr: "", truncated: false, reason: "exec is disabled on this node (exec.enabled is false)" },
    { node: "web-3", outcome: "ran", exitCode: 3, durationMs: 5, stdout: "a\u001b[31mb\n", stderr: "warn\n", truncated: true },
  ],
};

describe("satellite exec", () => {
  test("sends the command after --, every --tag and --node and the timeout; prints each node, its outcome and output", async () => {
    const { app, requests } = agentAnswering(MIXED);
    const c = cliFixture({ app });
    expect(await c.run("exec", "--tag", "app=web", "--tag=zone=eu-1", "--node", "web-1", "--node", "web-2", "--timeout", "30s", "--", "journalctl", "-n", "5", "--unit=kubelet")).toBe(1);
    expect(requests).toEqual([{ argv: ["journalctl", "-n", "5", "--unit=kubelet"], tags: { app: "web", zone: "eu-1" }, nodes: ["web-1", "web-2"], timeoutMs: 30_000, caller: "api 127.0.0.1 loopback" }]);
    expect(c.out.at(-1)).toBe(
      [
        "== web-1: exit 0 (12 ms)",
        "up 3 days",
        "== web-2: refused: exec is disabled on this node (exec.enabled is false)",
        "== web-3: exit 3 (5 ms)",
        "a\\u001b[31mb",
        "warn",
        "[output truncated]",
      ].join("\n"),
    );
  });

  test("exit 0 only when every node ran the command with exit 0; -o json prints the agent's answer", async () => {
    const ok: ExecAnswer = { id: "cd".repeat(16), results: [{ node: "a", outcome: "ran", exitCode: 0, durationMs: 1, stdout: "", stderr: "", truncated: false }] };
    const c = cliFixture({ app: agentAnswering(ok).app });
    expect(await c.run("exec", "-o", "json", "--", "uptime")).toBe(0);
    expect(JSON.parse(c.out.at(-1) ?? "")).toEqual(ok);
    const none = cliFixture({ app: agentAnswering({ id: "ef".repeat(16), results: [] }).app });
    expect(await none.run("exec", "--", "uptime")).toBe(1);
    expect(none.out.at(-1)).toBe("no node matched (or none answered)");
  });

  test("usage errors: no command, a bad tag, a bad timeout, an argument the agent would refuse", async () => {
    const { app, requests } = agentAnswering(MIXED);
    const c = cliFixture({ app });
    expect(await c.run("exec", "--tag", "role=node")).toBe(2);
    expect(c.err.at(-1)).toContain("name the command after --");
    expect(await c.run("exec", "--tag", "role", "--", "uptime")).toBe(2);
    expect(c.err.at(-1)).toContain('--tag "role" must be KEY=VALUE');
    expect(await c.run("exec", "--timeout", "1h", "--", "uptime")).toBe(2);
    expect(c.err.at(-1)).toContain("from 100ms to 10m");
    // What the agent would refuse is refused here, naming the argument, before anything is sent.
    expect(await c.run("exec", "--", "echo", "x".repeat(300))).toBe(2);
    expect(c.err.at(-1)).toContain("argument 2 has 300 characters; at most 256");
    expect(await c.run("exec", "--", "echo", "a\u001b[2Jb")).toBe(2);
    expect(c.err.at(-1)).toContain("argument 2 (");
    expect(c.err.at(-1)).toContain("has a control character");
    expect(await c.run("exec", "--", ...Array.from({ length: 33 }, () => "w"))).toBe(2);
    expect(c.err.at(-1)).toContain("the command has 33 words; at most 32");
    expect(requests).toEqual([]);
  });

  test("flags of the remote command after -- are not taken for the CLI's", async () => {
    const { app, requests } = agentAnswering(MIXED);
    const c = cliFixture({ app });
    await c.run("exec", "--", "ls", "-la", "--colour", "--tag", "x");
    expect(requests[0]?.argv).toEqual(["ls", "-la", "--colour", "--tag", "x"]);
    expect(requests[0]?.tags).toBeUndefined();
  });
});
