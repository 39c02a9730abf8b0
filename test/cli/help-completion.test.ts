import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CommandDef } from "citty";
import { HELP_WIDTH } from "../../src/cli/help-text.ts";
import { loadRootCommand } from "../../src/cli/root-command.ts";
import { cliFixture } from "./cli-fixture.ts";

const work = mkdtempSync(join(tmpdir(), "satellite-completion-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Every command path under the root: [], ["agent"], ["checks", "run"], ... */
function commandPaths(command: CommandDef<any>, path: string[] = []): string[][] {
  const subs = Object.entries((command.subCommands ?? {}) as Record<string, CommandDef<any>>);
  return [path, ...subs.flatMap(([name, sub]) => commandPaths(sub, [...path, name]))];
}

async function scriptFor(shell: string): Promise<string> {
  const c = cliFixture();
  expect(await c.run("completion", shell)).toBe(0);
  const path = join(work, `satellite.${shell}`);
  writeFileSync(path, `${c.out.join("\n")}\n`);
  return path;
}

describe("--help", () => {
  test("of every command fits 100 columns, has no colour and ends in the options", async () => {
    const paths = commandPaths(await loadRootCommand());
    expect(paths.length).toBeGreaterThan(15);
    for (const path of paths) {
      const c = cliFixture();
      expect(await c.run(...path, "--help")).toBe(0);
      const text = c.out.join("\n");
      const tooWide = text.split("\n").filter((line) => line.length > HELP_WIDTH);
      expect({ path, tooWide }).toEqual({ path, tooWide: [] });
      expect(text).not.toContain("\u001b[");
      expect(text).toStartWith(`Usage: satellite${path.map((w) => ` ${w}`).join("")}`);
      expect(text).toContain("-h, --help");
    }
  });

  test("lists the positional arguments in the usage line and under Arguments", async () => {
    const usage = async (...path: string[]) => {
      const c = cliFixture();
      await c.run(...path, "--help");
      return c.out.join("\n");
    };
    expect(await usage("join")).toStartWith("Usage: satellite join [OPTIONS] [HOST[:PORT]...]");
    expect(await usage("join")).toContain("Arguments:\n  [HOST[:PORT]...]  Peers' gossip addresses");
    expect(await usage("checks", "run")).toStartWith("Usage: satellite checks run [OPTIONS] NAME");
    expect(await usage("config", "validate")).toStartWith("Usage: satellite config validate [OPTIONS] FILE");
    expect(await usage("completion")).toStartWith("Usage: satellite completion [OPTIONS] bash|zsh|fish");
    expect(await usage("config")).toStartWith("Usage: satellite config COMMAND [OPTIONS]");
  });

  test("a flag that is on by default shows how to turn it off (--no-NAME)", async () => {
    const c = cliFixture();
    expect(await c.run("query", "--help")).toBe(0);
    expect(c.out.join("\n")).toMatch(/\n {6}--no-ack +Do not ask members to acknowledge receipt\n/);
  });

  test("a group without its command prints its help and exits 2; an unknown subcommand is named", async () => {
    const c = cliFixture();
    expect(await c.run("config")).toBe(2);
    expect(c.out.join("\n")).toContain("Commands:\n  validate");
    expect(await c.run("config", "frob")).toBe(2);
    expect(c.err.at(-1)).toBe('satellite config: unknown command "frob"; run `satellite config --help` for the commands');
  });

  test("a command that runs itself and has subcommands names an unknown one too (checks list), without a stack", async () => {
    const c = cliFixture();
    expect(await c.run("checks", "list")).toBe(2);
    expect(c.err).toEqual(['satellite checks: unknown command "list"; run `satellite checks --help` for the commands']);
  });
});

describe("satellite completion", () => {
  /** Runs bash's completion function as the shell would for `words` (the last one being typed). */
  const bashComplete = async (words: string[]): Promise<string[]> => {
    const script = await scriptFor("bash");
    const line = `source <(cat ${script}); COMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length - 1}; _satellite; printf '%s\\n' "\${COMPREPLY[@]}"; complete -p satellite >&2`;
    const result = Bun.spawnSync(["bash", "-c", line], { stdout: "pipe", stderr: "pipe", timeout: 20_000, cwd: work });
    expect(result.stderr.toString().trim()).toBe("complete -F _satellite satellite");
    return result.stdout.toString().split("\n").filter((w) => w !== "");
  };

  test("bash: commands, subcommands, each command's flags and their values", async () => {
    expect(await bashComplete(["satellite", "st"])).toEqual(["status"]);
    expect(await bashComplete(["satellite", "c"])).toEqual(["checks", "collectors", "config", "completion"]);
    expect(await bashComplete(["satellite", "checks", ""])).toEqual(["run"]);
    expect(await bashComplete(["satellite", "config", "v"])).toEqual(["validate"]);
    expect(await bashComplete(["satellite", "status", "--wa"])).toEqual(["--watch"]);
    expect(await bashComplete(["satellite", "status", "-o", ""])).toEqual(["table", "wide", "json", "yaml"]);
    expect(await bashComplete(["satellite", "agent", "--log-format", ""])).toEqual(["logfmt", "json"]);
    expect(await bashComplete(["satellite", "agent", "--profile", "w"])).toEqual(["wan"]);
    expect(await bashComplete(["satellite", "completion", "z"])).toEqual(["zsh"]);
    expect(await bashComplete(["satellite", "agent", "--tags", ""])).toEqual([]);
    expect(await bashComplete(["satellite", "members", "--status", "f"])).toEqual(["failed"]);
    const agentFlags = await bashComplete(["satellite", "agent", "--"]);
    for (const flag of ["--rpc-addr", "--tags", "--log-level", "--log-format", "--debug", "--help"]) expect(agentFlags).toContain(flag);
    expect(agentFlags).not.toContain("--watch");
  }, 30_000);

  test("bash: a file flag completes file names", async () => {
    writeFileSync(join(work, "satellite.yaml"), "checks: []\n");
    expect(await bashComplete(["satellite", "agent", "--config", "satellite.y"])).toEqual(["satellite.yaml"]);
    expect(await bashComplete(["satellite", "config", "validate", "satellite.y"])).toEqual(["satellite.yaml"]);
  });

  test.skipIf(Bun.which("zsh") === null)("zsh: the script parses, defines the completion function and registers it", async () => {
    const script = await scriptFor("zsh");
    const syntax = Bun.spawnSync(["zsh", "-n", script], { stdout: "pipe", stderr: "pipe", timeout: 20_000 });
    expect(syntax.stderr.toString()).toBe("");
    // compdef stands in for compinit's (which scans every completion on the system).
    const loaded = Bun.spawnSync(["zsh", "-f", "-c", `compdef() { print -r -- "compdef $*"; }; source ${script} && whence -w _satellite`], { stdout: "pipe", stderr: "pipe", timeout: 20_000 });
    expect({ out: loaded.stdout.toString(), err: loaded.stderr.toString() }).toEqual({ out: "compdef _satellite satellite\n_satellite: function\n", err: "" });
  }, 30_000);

  test.skipIf(Bun.which("zsh") === null)("zsh: the function offers each command's subcommands, flags and values (completion builtins stubbed)", async () => {
    const script = await scriptFor("zsh");
    const zsh = (words: string[], body: string): string[] => {
      const line = `compdef() { :; }; source ${script}; ${body}; words=(${words.map((w) => `'${w}'`).join(" ")}); CURRENT=${words.length}; _satellite`;
      const result = Bun.spawnSync(["zsh", "-f", "-c", line], { stdout: "pipe", stderr: "pipe", timeout: 20_000 });
      expect(result.stderr.toString()).toBe("");
      return result.stdout.toString().split("\n").filter((l) => l !== "");
    };
    // _arguments gets this command's flag specs; the rest (subcommands, values) goes through _describe and compadd.
    const specs = zsh(["satellite", "status", "--"], "_arguments() { shift 3; print -rl -- \"$@\"; return 1 }");
    expect(specs).toContain("(-o --output)--output=[Output format\\: table, wide (more columns), json or yaml]:output:(table wide json yaml)");
    // A description is cut at its first sentence end outside parentheses.
    expect(specs.some((s) => s.startsWith("--rpc-port=[Port of the agent's API on 127.0.0.1 (used when --addr is not given; default"))).toBe(true);
    expect(specs.some((s) => s.startsWith("(-w --watch)--watch["))).toBe(true);
    const rest = "_arguments() { state=rest; return 1 }; _describe() { print -rl -- \"${(@P)${@[-1]}}\" }; compadd() { print -rl -- \"${(@P)${@[-1]}}\" }";
    expect(zsh(["satellite", "checks", ""], rest)).toEqual(["run:Run one check now and print its result"]);
    expect(zsh(["satellite", "completion", ""], rest)).toEqual(["bash", "zsh", "fish"]);
    expect(zsh(["satellite", ""], rest)).toContain("status:Print the cluster status: a summary (nodes, failing probes and why) on a term...");
  }, 30_000);

  test.skipIf(Bun.which("fish") === null)("fish: commands, subcommands, flags and values", async () => {
    const script = await scriptFor("fish");
    const complete = (line: string): string[] => {
      const result = Bun.spawnSync(["fish", "--no-config", "-c", `source ${script}; complete -C ${JSON.stringify(line)}`], { stdout: "pipe", stderr: "pipe", timeout: 20_000 });
      expect(result.stderr.toString()).toBe("");
      return result.stdout.toString().split("\n").filter((w) => w !== "").map((w) => w.split("\t")[0] as string);
    };
    expect(complete("satellite st")).toEqual(["status"]);
    expect(complete("satellite checks ")).toContain("run");
    expect(complete("satellite status -o ")).toEqual(["json", "table", "wide", "yaml"]);
    expect(complete("satellite status --wa")).toEqual(["--watch"]);
    expect(complete("satellite completion ")).toEqual(["bash", "fish", "zsh"]);
  }, 30_000);

  test("an unknown shell exits 2 naming the shells", async () => {
    const c = cliFixture();
    expect(await c.run("completion", "powershell")).toBe(2);
    expect(c.err).toEqual(['satellite completion: no completion for shell "powershell"; use one of bash, zsh, fish']);
  });
});
