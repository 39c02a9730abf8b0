import { describe, expect, test } from "bun:test";
import { allowPatternProblem, createExecAllowlist } from "../../src/remote-exec/exec-allowlist.ts";

const CASES: [pattern: string, argv: string[], allowed: boolean][] = [
  ["uptime", ["uptime"], true],
  ["uptime", ["uptime", "-p"], false],
  ["uptime", ["/usr/bin/uptime"], false],
  ["uptime", ["uptim"], false],
  ["uptime *", ["uptime"], false],
  ["uptime *", ["uptime", "-p"], true],
  ["systemctl status *", ["systemctl", "status", "kubelet"], true],
  ["systemctl status *", ["systemctl", "status", "kubelet", "docker"], true],
  ["systemctl status *", ["systemctl", "status"], false],
  ["systemctl status *", ["systemctl", "restart", "kubelet"], false],
  ["systemctl * kubelet", ["systemctl", "status", "kubelet"], true],
  ["systemctl * kubelet", ["systemctl", "status", "extra", "kubelet"], false],
  ["journalctl --unit=*.service", ["journalctl", "--unit=kubelet.service"], true],
  ["journalctl --unit=*.service", ["journalctl", "--unit=.service"], true],
  ["journalctl --unit=*.service", ["journalctl", "--unit=kubelet.socket"], false],
  ["journalctl --unit=*.service", ["journalctl", "--unit=a", "b.service"], false],
  ["cat /var/log/*/*.log", ["cat", "/var/log/a/b.log"], true],
  ["cat /var/log/*/*.log", ["cat", "/etc/shadow"], false],
  ["cat a*b*c", ["cat", "abc"], true],
  ["cat a*b*c", ["cat", "axxbyyc"], true],
  ["cat a*b*c", ["cat", "acb"], false],
  ["cat ab*ba", ["cat", "aba"], false],
  ["cat a*b*b", ["cat", "ab"], false],
  ["ls   -l", ["ls", "-l"], true],
  ["ls -?", ["ls", "-l"], false],
  ["ls -?", ["ls", "-?"], true],
];

describe("exec allowlist", () => {
  for (const [pattern, argv, allowed] of CASES) {
    test(`${JSON.stringify(pattern)} ${allowed ? "allows" : "refuses"} ${JSON.stringify(argv)}`, () => {
      expect(createExecAllowlist([pattern]).match(argv)).toBe(allowed ? pattern : undefined);
    });
  }

  test("the first pattern that allows is named; an empty list allows nothing", () => {
    const list = createExecAllowlist(["df", "uptime *", "uptime -p"]);
    expect(list.match(["uptime", "-p"])).toBe("uptime *");
    expect(createExecAllowlist([]).match(["uptime"])).toBeUndefined();
  });

  test("invalid patterns are named and never match", () => {
    expect(allowPatternProblem("")).toContain("names a program first");
    expect(allowPatternProblem("* status")).toContain('"*" is allowed in its arguments only');
    expect(allowPatternProblem("/usr/bin/*")).toContain("must be written out");
    expect(allowPatternProblem("ls\t-l")).toContain("control characters");
    expect(allowPatternProblem("x".repeat(257))).toContain("at most 256");
    expect(allowPatternProblem("systemctl status *")).toBeUndefined();
    expect(createExecAllowlist(["*"]).match(["rm", "-rf", "/"])).toBeUndefined();
    expect(createExecAllowlist(["* *"]).match(["rm", "-rf"])).toBeUndefined();
  });
});
