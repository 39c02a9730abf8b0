import { describe, expect, test } from "bun:test";
import type { SerfQueriesSource } from "../../src/api/serf-query-routes.ts";
import type { SerfQueryParams } from "../../src/cluster/serf-query-api.ts";
import type { KeyOperationResult } from "../../src/cluster/serf-key-manager.ts";
import { makeApp } from "../api/app-fixture.ts";
import { cliFixture } from "./cli-fixture.ts";

const KEY = "T9jncgl9mbLus+baTTa7q7nPSUN1ulRTPzZDQpiaqsE=";
const OTHER = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

function agent(keyAnswer: (op: string) => KeyOperationResult = () => ({ numNodes: 3, numResp: 3, numErr: 0, messages: {}, keys: { [KEY]: 3, [OTHER]: 1 }, primaryKeys: { [KEY]: 3 } })) {
  const sent: SerfQueryParams[] = [];
  const keyCalls: string[] = [];
  const serfQueries: SerfQueriesSource = {
    querying: {
      query: async (params) => {
        sent.push(params);
        return { acks: ["n1", "n2"], responses: [{ from: "n2", payload: new TextEncoder().encode("up 3 days\u001b[31m") }] };
      },
      answerQuery: () => () => {},
    },
    keys: async (op, key) => {
      keyCalls.push(key ? `${op} ${key}` : op);
      return keyAnswer(op);
    },
  };
  return { app: makeApp({ serfQueries }).app, sent, keyCalls };
}

describe("satellite query", () => {
  test("sends name, payload and filters; prints acks and responses as serf query does, terminal-safe", async () => {
    const { app, sent } = agent();
    const c = cliFixture({ app });
    expect(await c.run("query", "uptime", "now", "--tag", "role=^master$", "--tag=dc=lab", "--node", "n2", "--timeout", "2s")).toBe(0);
    expect(sent[0]).toMatchObject({ name: "uptime", filterNodes: ["n2"], filterTags: { role: "^master$", dc: "lab" }, timeoutMs: 2000, requestAck: true });
    expect(new TextDecoder().decode(sent[0]?.payload)).toBe("now");
    const out = c.out.at(-1) ?? "";
    expect(out.split("\n")).toEqual(["Query 'uptime' dispatched", "Ack from 'n1'", "Ack from 'n2'", expect.stringMatching(/^Response from 'n2': up 3 days/), "Total Acks: 2", "Total Responses: 1"]);
    expect(out).not.toContain("\u001b");
  });

  test("a --node that never acknowledged is named on stderr (a misspelt name is not silence)", async () => {
    const c = cliFixture({ app: agent().app });
    expect(await c.run("query", "uptime", "--node", "n2", "--node", "nope")).toBe(0);
    expect(c.err).toEqual(["no acknowledgment from 'nope': not a member, not alive, or the query was lost (see satellite members)"]);
  });

  test("--no-ack asks for no acks; -o json prints the answer; bad flags are usage errors", async () => {
    const { app, sent } = agent();
    const c = cliFixture({ app });
    expect(await c.run("query", "--no-ack", "x", "-o", "json")).toBe(0);
    expect(sent[0]?.requestAck).toBe(false);
    expect(JSON.parse(c.out.at(-1) ?? "")).toEqual({ responses: [{ from: "n2", payload: "up 3 days\u001b[31m" }] });
    expect(await c.run("query")).toBe(2);
    expect(await c.run("query", "x", "--tag", "novalue")).toBe(2);
    expect(c.err.at(-1)).toContain("KEY=REGEXP");
    expect(await c.run("query", "x", "--timeout", "soon")).toBe(2);
    expect(await c.run("query", "x", "--timeout", "0s")).toBe(2);
    expect(c.err.at(-1)).toContain("--timeout 0s: a query needs time to collect answers");
    // The agent's refusal (400) is the caller's to fix: a usage error, not a failure of the cluster.
    expect(await c.run("query", "_serf_install-key")).toBe(2);
    expect(c.err.at(-1)).toContain("query refused: ");
    expect(await c.run("query", "x", "--relay-factor", "9")).toBe(2);
    expect(await c.run("query", "x", "--relay-factor", "2")).toBe(0);
    expect(sent.at(-1)?.relayFactor).toBe(2);
  });
});

describe("satellite keys", () => {
  test("list prints each key with how many members hold it, out of all", async () => {
    const { app, keyCalls } = agent();
    const c = cliFixture({ app });
    expect(await c.run("keys", "list")).toBe(0);
    expect(c.out.at(-1)).toBe(`${KEY}  [3/3]\n${OTHER}  [1/3]`);
    expect(keyCalls).toEqual(["list"]);
  });

  test("install, use and remove send the key and report success; failures per member exit 1", async () => {
    const ok = agent(() => ({ numNodes: 3, numResp: 3, numErr: 0, messages: {}, keys: {}, primaryKeys: {} }));
    const c = cliFixture({ app: ok.app });
    expect(await c.run("keys", "install", KEY)).toBe(0);
    expect(c.out.at(-1)).toBe("==> Successfully installed key!");
    expect(await c.run("keys", "use", KEY)).toBe(0);
    expect(await c.run("keys", "remove", OTHER)).toBe(0);
    expect(ok.keyCalls).toEqual([`install ${KEY}`, `use ${KEY}`, `remove ${OTHER}`]);
    expect(c.out.join("\n")).not.toContain(KEY);

    const failing = agent(() => ({ numNodes: 3, numResp: 3, numErr: 1, messages: { n3: "Removing the primary key is not allowed" }, keys: {}, primaryKeys: {}, error: "1/3 nodes reported failure" }));
    const f = cliFixture({ app: failing.app });
    expect(await f.run("keys", "remove", KEY)).toBe(1);
    expect(f.err.join("\n")).toContain("failed: n3  Removing the primary key is not allowed");
    expect(f.err.at(-1)).toContain("Error removing key: 1/3 nodes reported failure");
    expect(await f.run("keys", "install")).toBe(2);
  });

  test("a key that is not one is a usage error before anything is sent or announced", async () => {
    const { app, keyCalls } = agent();
    const c = cliFixture({ app });
    expect(await c.run("keys", "install", "notbase64")).toBe(2);
    expect(c.err).toEqual(["satellite keys install: KEY: not valid base64: give the exact output of `satellite keygen` (44 characters for a 32-byte key)"]);
    expect(await c.run("keys", "use", "QUJD")).toBe(2);
    expect(c.err.at(-1)).toContain("KEY: decodes to 3 bytes; AES keys are 16, 24 or 32 bytes");
    expect(keyCalls).toEqual([]);
  });

  test("keys install - reads the key from stdin, so it stays out of ps and shell history", async () => {
    const { app, keyCalls } = agent(() => ({ numNodes: 3, numResp: 3, numErr: 0, messages: {}, keys: {}, primaryKeys: {} }));
    expect(await cliFixture({ app, stdin: new TextEncoder().encode(`${KEY}\n`) }).run("keys", "install", "-")).toBe(0);
    expect(keyCalls).toEqual([`install ${KEY}`]);
    const noStdin = cliFixture({ app });
    expect(await noStdin.run("keys", "use", "-")).toBe(2);
    expect(noStdin.err.at(-1)).toContain("cannot read stdin");
  });
});
