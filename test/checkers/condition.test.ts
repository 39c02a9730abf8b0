import { describe, expect, test } from "bun:test";
import { parseApplyOn, parseCondition } from "../../src/checkers/_condition.ts";
import { EVAL_STEPS_MAX, evaluateWithHost, type HostFunctions, truthy } from "../../src/checkers/_expr-eval.ts";
import { createHostFunctions, FILE_CONTAINS_BYTES_MAX } from "../../src/checkers/_host-functions.ts";
import { createRecordedHostFacts } from "../../src/platform/host-facts.ts";

const TCP_HEADER = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";
// 0.0.0.0:6379 (0x18EB) in LISTEN (0A).
const TCP_REDIS = `${TCP_HEADER}   0: 00000000:18EB 00000000:0000 0A 00000000:00000000 00:00000000 00000000   999        0 4242 1 0000000000000000 100 0 0 10 0\n`;

const facts = createRecordedHostFacts(
  {
    "/proc/1/comm": "systemd\n",
    "/proc/77/comm": "redis-server\n",
    "/proc/net/tcp": TCP_REDIS,
    "/etc/os-release": 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n',
    "/etc/redis/redis.conf": "bind 127.0.0.1\nport 6379\n",
    "/var/big": "x".repeat(FILE_CONTAINS_BYTES_MAX) + "needle",
  },
  { DATACENTER: "eu-1" },
);
const tags = { role: "master", zone: "eu-2" };
const host = (): HostFunctions => createHostFunctions(facts, () => tags);
const truth = async (text: string): Promise<boolean> => truthy(await evaluateWithHost(parseCondition(text).expr, host()));

describe("conditions with host functions", () => {
  test.each([
    ['processRunning("redis-server") or portListening(6379)', true],
    ['processRunning("redis-server") and not portListening(6380)', true],
    ['processRunning("postgres") || portListening(5432)', false],
    ['fileExists("/etc/redis/redis.conf") && fileContains("/etc/redis/redis.conf", "port 6379")', true],
    ['fileExists("/etc/redis")', true],
    ['fileExists("/etc/nginx/nginx.conf")', false],
    ['fileContains("/etc/absent", "x")', false],
    ['fileContains("/var/big", "needle")', false],
    ['env("DATACENTER") == "eu-1"', true],
    ['env("NOPE") == ""', true],
    ['osRelease("ID") == "debian" and osRelease("VERSION_ID") >= "12"', true],
    ['osRelease("PRETTY_NAME") == "Debian GNU/Linux 12 (bookworm)"', true],
    ['tag("role") == "master" and tag("zone") != "eu-2"', false],
    ['tag("role") == "master" and not tag("zone") == "eu-1"', true],
    ['tag("missing")', false],
    ['tag("zone")', true],
    ["'it\\'s' == \"it's\"", true],
    ['"b" > "a"', true],
    ["true", true],
    ["not false and !0", true],
  ])("%s is %p", async (text, expected) => {
    expect(await truth(text)).toBe(expected);
  });

  test.each([
    ['tag(role) == "master"', 'unknown name "role" at position 5: write a string in quotes ("role") or call a host function such as tag("role")'],
    ['tag("role") == 1', '"==" at position 13 compares a string with a number'],
    ["portListening(\"6379\")", "portListening() at position 1 takes a number as argument 1, not a string"],
    ['fileContains("/etc/x")', "fileContains() at position 1 takes 2 arguments, not 1"],
    ['exec("rm -rf /")', 'unknown function "exec" at position 1; known: fileExists, fileContains, processRunning, portListening, env, osRelease, tag'],
    ['tag("a") + "b"', '"+" at position 10 needs numbers, not a string'],
    ['-tag("a")', '"-" at position 1 needs a number, not a string'],
    ['tag("a', 'string at position 5 has no closing "'],
    ['tag("a\\n")', 'unknown escape "\\n" at position 7; only \\" and \\\\ are escapes'],
    [`tag("${"x".repeat(300)}")`, "string at position 5 is longer than 256 characters"],
    ['tag("a" "b")', 'expected "," or ")" but found string "b" at position 9'],
    ['tag("a") == "x" == "y"', 'comparisons cannot be chained: "==" at position 17; use && between them'],
    ['processRunning("a") or', 'expected a number, a string, a name or "(" but found the end of the expression'],
    ['tag("a") = "b"', 'unexpected character "=" at position 10'],
  ])("%s -> %s", (text, message) => {
    expect(() => parseCondition(text)).toThrow(message);
  });

  test("host function failures and bounds are evaluation errors naming the call", async () => {
    await expect(evaluateWithHost(parseCondition('fileExists("etc/passwd")').expr, host())).rejects.toThrow('fileExists() needs an absolute path, not "etc/passwd"');
    await expect(evaluateWithHost(parseCondition("portListening(70000)").expr, host())).rejects.toThrow("portListening() needs a port from 1 to 65535, not 70000");
    const many = Array.from({ length: 40 }, () => 'tag("a") == ""').join(" and ");
    await expect(evaluateWithHost(parseCondition(many).expr, host())).rejects.toThrow("more than 32 host function calls in one evaluation");
    expect(EVAL_STEPS_MAX).toBeGreaterThan(1000);
  });

  test("and / or stop early: the right side is not called", async () => {
    let calls = 0;
    const counting = { ...host(), fileContains: async () => (calls++, 1) } as HostFunctions;
    await evaluateWithHost(parseCondition('fileExists("/nope") and fileContains("/nope", "x")').expr, counting);
    await evaluateWithHost(parseCondition('fileExists("/etc/os-release") or fileContains("/nope", "x")').expr, counting);
    expect(calls).toBe(0);
  });
});

describe("applyOn", () => {
  test.each([
    ["role=master", true],
    ["role=node", false],
    ["zone=eu-2", true],
    ['tag("role") == "master" and tag("zone") != "eu-2"', false],
    ['tag("role") == "master" or tag("zone") == "eu-2"', true],
  ])("%s is %p", async (text, expected) => {
    expect(truthy(await evaluateWithHost(parseApplyOn(text).expr, host()))).toBe(expected);
  });

  test("a malformed applyOn names the problem", () => {
    expect(() => parseApplyOn(`tag("role") ==`)).toThrow('expected a number, a string, a name or "(" but found the end of the expression');
    expect(() => parseApplyOn("role")).toThrow('unknown name "role"');
  });
});
