import { describe, expect, test } from "bun:test";
import { configProblems as problemsOf, loadConfigInMemory } from "../support/in-memory-config.ts";

const TEMPLATE = "{% for m in members %}server {{ m.name }} {{ m.address }}:80\n{% endfor %}";

function load(generators: unknown[], templates: Record<string, string> = { "/etc/satellite/lb.njk": TEMPLATE }) {
  const files: Record<string, string> = { "/etc/satellite/satellite.json": JSON.stringify({ generators }), ...templates };
  return loadConfigInMemory({ flags: { config: "/etc/satellite/satellite.json" }, files, cwd: "/srv" });
}

const SOURCE = "config file /etc/satellite/satellite.json";

describe("generators in the config", () => {
  test("a template relative to the config file is read and compiled; defaults applied", () => {
    const config = load([{ name: "lb", template: "lb.njk", target: "/etc/haproxy/haproxy.cfg", command: "systemctl reload haproxy" }]);
    expect(config.generators).toEqual([
      { name: "lb", templatePath: "/etc/satellite/lb.njk", templateSource: TEMPLATE, target: "/etc/haproxy/haproxy.cfg", command: "systemctl reload haproxy", debounceMs: 2000, commandTimeoutMs: 30_000, mode: 0o644, kvPrefixes: [] },
    ]);
  });

  test("mode, debounce, timeout and prefixes as written", () => {
    const [g] = load([{ name: "lb", template: "/etc/satellite/lb.njk", target: "/x/y", debounce: "500ms", commandTimeout: "5s", mode: "0600", kvPrefixes: ["haproxy/"] }]).generators;
    expect(g).toMatchObject({ debounceMs: 500, commandTimeoutMs: 5000, mode: 0o600, kvPrefixes: ["haproxy/"] });
    expect(g?.command).toBeUndefined();
  });

  test.each([
    [[{ name: "lb", template: "lb.njk", target: "haproxy.cfg" }], `${SOURCE}, key generators[0].target: the target must be an absolute path, e.g. /etc/haproxy/haproxy.cfg`],
    [
      [
        { name: "lb", template: "lb.njk", target: "/a" },
        { name: "lb", template: "lb.njk", target: "/b" },
      ],
      `${SOURCE}, key generators[1].name: duplicate generator name "lb" (also generators[0]); names must be unique`,
    ],
    [
      [
        { name: "a", template: "lb.njk", target: "/a" },
        { name: "b", template: "lb.njk", target: "/a" },
      ],
      `${SOURCE}, key generators[1].target: generators[0] writes /a too; two generators would overwrite each other`,
    ],
    [[{ name: "lb", template: "lb.njk", target: "/a", mode: 644 }], `${SOURCE}, key generators[0].mode: expected an octal file mode in quotes, e.g. "0644": YAML reads 0644 without quotes as the number 644`],
    [[{ name: "lb", template: "lb.njk", target: "/a", debounce: "soon" }], `${SOURCE}, key generators[0].debounce: "soon" is not a duration; use e.g. 2s, 500ms, 1m`],
    [[{ name: "lb", template: "lb.njk", target: "/a", extra: 1 }], `${SOURCE}, key generators[0]: unknown key(s) "extra"; see docs/configuration.md for the keys`],
  ])("refused: %j", (generators, expected) => {
    expect(problemsOf(() => load(generators))).toEqual([expected]);
  });

  test("a missing template names the generator, the key and the file", () => {
    expect(problemsOf(() => load([{ name: "lb", template: "gone.njk", target: "/a" }]))).toEqual([
      `${SOURCE}, key generators[0].template: generator "lb": cannot read template /etc/satellite/gone.njk: ENOENT: no such file or directory, open '/etc/satellite/gone.njk'`,
    ]);
  });

  test("a template that does not compile names the generator, the template and the line", () => {
    const problems = problemsOf(() => load([{ name: "lb", template: "lb.njk", target: "/a" }], { "/etc/satellite/lb.njk": "global\n  daemon\n{% for m in members %}\n{{ m.name }\n{% endfor %}\n" }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toStartWith(`${SOURCE}, key generators[0].template: generator "lb": template /etc/satellite/lb.njk, line 4: `);
  });
});
