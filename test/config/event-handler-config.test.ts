import { describe, expect, test } from "bun:test";
import { repeatedFlagValues } from "../../src/cli/commands/agent.ts";
import { ConfigError } from "../../src/config/config-error.ts";
import { parseEventHandlerSpec } from "../../src/config/event-handler-spec.ts";
import { loadConfigInMemory, type InMemoryConfigInput } from "../support/in-memory-config.ts";

/** `file`: the config file's text, at /c.yaml. */
function load(input: InMemoryConfigInput & { file?: string } = {}) {
  const { file, ...rest } = input;
  return loadConfigInMemory({ cwd: "/srv", ...(file === undefined ? {} : { flags: { config: "/c.yaml" }, files: { "/c.yaml": file } }), ...rest });
}

function problemOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.message.split("\n").slice(1).join("\n").replace(/^  - /, "");
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("[TYPES=]COMMAND", () => {
  test.each([
    ["/usr/local/bin/on-event", { types: [], command: "/usr/local/bin/on-event" }],
    ["probe,NodeFailed=/usr/local/bin/page --urgent", { types: ["probe", "NodeFailed"], command: "/usr/local/bin/page --urgent" }],
    [" cluster = logger -t satellite ", { types: ["cluster"], command: "logger -t satellite" }],
    ["probe=FOO=1 cmd --x=y", { types: ["probe"], command: "FOO=1 cmd --x=y" }],
    ["cmd --x=y", { types: [], command: "cmd --x=y" }],
    ["/bin/echo a=b", { types: [], command: "/bin/echo a=b" }],
  ])("%p", (text, spec) => {
    expect(parseEventHandlerSpec(text)).toEqual({ ok: true, spec });
  });

  test("an unknown type, or a command that starts with VAR=, is refused naming it; an empty command too", () => {
    const unknown = parseEventHandlerSpec("probe,NodeDown=/bin/true");
    expect(unknown.ok || unknown.error).toStartWith('"NodeDown" is not an event kind or type (allowed: kinds probe, node, cluster, user, agent; or types ProbeRun,');
    const variable = parseEventHandlerSpec("FOO=1 /bin/true");
    expect(variable.ok || variable.error).toContain('"FOO" is not an event kind or type');
    expect(variable.ok || variable.error).toContain("e.g. probe=FOO=1 cmd, or use env FOO=1 cmd");
    expect(parseEventHandlerSpec("probe=  ")).toEqual({ ok: false, error: "no command after the types: expected [TYPES=]COMMAND, e.g. probe,NodeFailed=/usr/local/bin/on-event" });
  });
});

describe("eventHandlers, eventHandlerTimeout, eventsClientsMax in the configuration", () => {
  test("defaults: no handlers, 30 s timeout, 4096 /events clients", () => {
    const config = load();
    expect(config.eventHandlers).toEqual([]);
    expect(config.eventHandlerTimeoutMs).toBe(30_000);
    expect(config.eventsClientsMax).toBe(4096);
  });

  test("--event-handler given several times, the environment variable one per line, the file as a list", () => {
    expect(load({ flags: { "event-handler": ["probe=/bin/a", "/bin/b x,y"], "event-handler-timeout": "5s" } })).toMatchObject({
      eventHandlers: [
        { types: ["probe"], command: "/bin/a" },
        { types: [], command: "/bin/b x,y" },
      ],
      eventHandlerTimeoutMs: 5000,
    });
    expect(load({ env: { SATELLITE_EVENT_HANDLER: "cluster=/bin/a\n\n  user=/bin/b  \n" } }).eventHandlers).toEqual([
      { types: ["cluster"], command: "/bin/a" },
      { types: ["user"], command: "/bin/b" },
    ]);
    expect(load({ file: "eventHandlers: ['node=/bin/c']\neventHandlerTimeout: 2m\neventsClientsMax: 10000\n" })).toMatchObject({
      eventHandlers: [{ types: ["node"], command: "/bin/c" }],
      eventHandlerTimeoutMs: 120_000,
      eventsClientsMax: 10_000,
    });
  });

  test("bad values stop the start naming the source and the key", () => {
    expect(problemOf(() => load({ flags: { "event-handler": ["/bin/ok", "probes=/bin/x"] } }))).toStartWith('flag --event-handler, key eventHandlers[1]: "probes" is not an event kind or type');
    expect(problemOf(() => load({ flags: { "event-handler-timeout": "2h" } }))).toBe("flag --event-handler-timeout, key eventHandlerTimeout: expected a timeout from 100ms to 1h, e.g. 30s");
    expect(problemOf(() => load({ file: "eventsClientsMax: 0\n" }))).toContain("config file /c.yaml, key eventsClientsMax:");
    expect(problemOf(() => load({ file: `eventHandlers: [${Array.from({ length: 65 }, () => "/bin/true").join(", ")}]\n` }))).toContain("key eventHandlers:");
  });
});

describe("repeatedFlagValues", () => {
  test("every --name VALUE and --name=VALUE, in order, up to --", () => {
    expect(repeatedFlagValues(["--event-handler", "probe=a", "--name", "x", "--event-handler=cluster=b c", "--", "--event-handler", "z"], "event-handler")).toEqual(["probe=a", "cluster=b c"]);
    expect(repeatedFlagValues(["--event-handler-timeout", "5s"], "event-handler")).toEqual([]);
  });
});
