import { describe, expect, test } from "bun:test";
import type { CliDeps } from "../../src/cli/cli-deps.ts";
import { runCli } from "../../src/cli/run-cli.ts";
import { TOKEN_FILE_BYTES_MAX } from "../../src/config/api-token-file.ts";
import { makeApp } from "../api/app-fixture.ts";

const TOKEN = "0123456789abcdef-cli-token";

/** CLI deps whose fetch goes into an in-process app as a loopback caller; files, env and sent headers captured. */
function cli(options: { apiToken?: string; env?: Record<string, string>; files?: Record<string, string>; remoteAddress?: string } = {}) {
  const fixture = makeApp({ apiToken: options.apiToken });
  const out: string[] = [];
  const err: string[] = [];
  const sent: { url: string; authorization: string | null }[] = [];
  const reads: { path: string; bytesMax: number }[] = [];
  const deps: CliDeps = {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    env: options.env ?? {},
    fetch: (async (input: string | URL | Request, init?: RequestInit) => {
      const url = String(input);
      sent.push({ url, authorization: new Headers(init?.headers).get("authorization") });
      return fixture.app.request(url.replace(/^https?:\/\/[^/]+/, ""), init, { remoteAddress: options.remoteAddress ?? "127.0.0.1" });
    }) as typeof fetch,
    readFile: (path, bytesMax) => {
      reads.push({ path, bytesMax });
      const text = options.files?.[path];
      if (text === undefined) throw new Error(`cannot open ${path}: ENOENT: no such file or directory`);
      return text;
    },
    hostname: () => "h",
    cwd: () => "/work",
    agentPlatform: () => {
      throw new Error("not in this test");
    },
    waitForStopSignal: () => new Promise(() => {}),
  };
  return { fixture, out, err, sent, reads, run: (...args: string[]) => runCli(args, deps) };
}

const EVERY_COMMAND: string[][] = [["status"], ["members"], ["history"], ["checks"], ["checks", "run", "disk-space"], ["join", "10.0.0.2:7946"], ["leave"]];

describe("the CLI sends the API token", () => {
  test("from --api-token, on every command that talks to the agent", async () => {
    for (const command of EVERY_COMMAND) {
      const c = cli({ apiToken: TOKEN });
      expect({ command, code: await c.run(...command, "--api-token", TOKEN), err: c.err }).toEqual({ command, code: 0, err: [] });
      // `members` also asks /status for each member's health: every request carries the token.
      expect(c.sent.length).toBeGreaterThan(0);
      expect(new Set(c.sent.map((s) => s.authorization))).toEqual(new Set([`Bearer ${TOKEN}`]));
    }
  });

  test("from --api-token-file: its first line, trimmed, read bounded", async () => {
    for (const command of EVERY_COMMAND) {
      const c = cli({ apiToken: TOKEN, files: { "/run/token": ` ${TOKEN}\nignored\n` } });
      expect({ command, code: await c.run(...command, "--api-token-file", "/run/token") }).toEqual({ command, code: 0 });
      expect(c.sent.length).toBeGreaterThan(0);
      expect(new Set(c.sent.map((s) => s.authorization))).toEqual(new Set([`Bearer ${TOKEN}`]));
      expect(c.reads).toEqual([{ path: "/run/token", bytesMax: TOKEN_FILE_BYTES_MAX }]);
    }
  });

  test("from SATELLITE_API_TOKEN or SATELLITE_API_TOKEN_FILE; a flag wins over the environment", async () => {
    const fromEnv = cli({ apiToken: TOKEN, env: { SATELLITE_API_TOKEN: TOKEN } });
    expect(await fromEnv.run("leave")).toBe(0);
    expect(fromEnv.fixture.state.left).toBe(1);
    const fromEnvFile = cli({ apiToken: TOKEN, env: { SATELLITE_API_TOKEN_FILE: "/t" }, files: { "/t": TOKEN } });
    expect(await fromEnvFile.run("leave")).toBe(0);
    const flagWins = cli({ apiToken: TOKEN, env: { SATELLITE_API_TOKEN: "stale-token-from-env" } });
    expect(await flagWins.run("leave", "--api-token", TOKEN)).toBe(0);
    expect(flagWins.sent[0]?.authorization).toBe(`Bearer ${TOKEN}`);
  });

  test("no token configured anywhere: no Authorization header is sent", async () => {
    const c = cli();
    expect(await c.run("status")).toBe(0);
    expect(c.sent[0]?.authorization).toBeNull();
  });
});

describe("a refusal (403) exits 2 and says which flag to use", () => {
  const NEEDS = "pass it to the CLI with --api-token-file FILE, SATELLITE_API_TOKEN or --api-token (HTTP: Authorization: Bearer <token>)";
  test.each([
    [["leave"], TOKEN, "127.0.0.1", `satellite leave: the agent refused: POST /leave needs the API token: this agent has one configured\n${NEEDS}`],
    [["join", "10.0.0.2:7946"], TOKEN, "127.0.0.1", `satellite join: the agent refused: POST /join needs the API token: this agent has one configured\n${NEEDS}`],
    [["checks", "run", "disk-space"], TOKEN, "127.0.0.1", `satellite checks run: the agent refused: POST /checks/disk-space/run needs the API token: this agent has one configured\n${NEEDS}`],
    [
      ["leave", "--api-token", "not-the-agents-token"],
      TOKEN,
      "127.0.0.1",
      "satellite leave: the agent refused: POST /leave: the API token does not match the agent's\npass the token the agent was started with (--api-token-file FILE, SATELLITE_API_TOKEN or --api-token)",
    ],
    [
      ["leave"],
      undefined,
      "10.0.0.9",
      "satellite leave: the agent refused: POST /leave is allowed from loopback only: this agent has no API token\nrun the command on the node itself, or start the agent with --api-token-file FILE and pass the same token to the CLI (--api-token-file FILE or SATELLITE_API_TOKEN)",
    ],
  ] as const)("%p (agent token %p, from %p)", async (args, apiToken, remoteAddress, message) => {
    const c = cli({ apiToken, remoteAddress });
    expect(await c.run(...args)).toBe(2);
    expect(c.err.join("\n")).toBe(message);
    expect(c.fixture.state.left + c.fixture.state.joined.length + c.fixture.state.ran.length).toBe(0);
    expect(c.out).toEqual([]);
  });
});

describe("token flag problems exit 2 before anything is sent", () => {
  test.each([
    [["--api-token-file", "/missing"], {}, {}, "satellite leave: --api-token-file: API token file /missing: cannot read it: cannot open /missing: ENOENT: no such file or directory"],
    [["--api-token-file", "/empty"], {}, { "/empty": "  \nsecond\n" }, "satellite leave: --api-token-file: API token file /empty is empty: its first line must be the token"],
    [[], { SATELLITE_API_TOKEN_FILE: "/missing" }, {}, "satellite leave: SATELLITE_API_TOKEN_FILE: API token file /missing: cannot read it: cannot open /missing: ENOENT: no such file or directory"],
    [["--api-token", TOKEN, "--api-token-file", "/t"], {}, { "/t": TOKEN }, "satellite leave: give --api-token or --api-token-file, not both"],
    [["--api-token", " "], {}, {}, "satellite leave: --api-token is empty: give the agent's API token"],
    [[], { SATELLITE_API_TOKEN: TOKEN, SATELLITE_API_TOKEN_FILE: "/t" }, { "/t": TOKEN }, "satellite leave: SATELLITE_API_TOKEN and SATELLITE_API_TOKEN_FILE are both set; unset one"],
  ] as const)("%p %p", async (flags, env, files, message) => {
    const c = cli({ apiToken: TOKEN, env, files });
    expect(await c.run("leave", ...flags)).toBe(2);
    expect(c.err).toEqual([message]);
    expect(c.sent).toEqual([]);
  });

  test("--help of every client command lists the token and TLS flags and says the file keeps the token out of the process list", async () => {
    for (const command of [["status"], ["members"], ["join"], ["leave"], ["history"], ["checks"], ["checks", "run"]]) {
      const c = cli();
      expect(await c.run("help", ...command)).toBe(0);
      // Help wraps at 100 columns: a phrase may span two lines.
      const help = c.out.join("\n").replace(/\s+/g, " ");
      for (const flag of ["--api-token", "--api-token-file", "SATELLITE_API_TOKEN", "keeps it out of the process list", "--addr", "https://", "--ca-file", "--client-cert-file", "--client-key-file"]) {
        expect({ command, flag, shown: help.includes(flag) }).toEqual({ command, flag, shown: true });
      }
    }
  });

  test("--help says which commands need the token, not an old list of three", async () => {
    const { run, out } = cli();
    expect(await run("maintenance", "start", "--help")).toBe(0);
    const help = out.join("\n").replace(/\s+/g, " ");
    expect(help).toContain("needed when the agent has one for commands that change something");
    expect(help).not.toContain("join, leave and checks run");
  });
});
