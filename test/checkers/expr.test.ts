import { describe, expect, test } from "bun:test";
import { evaluate, parseExpression, variablesOf } from "../../src/checkers/_expr.ts";

const vars = { "memory.usedPercent": 93.5, "cpu.usedPercent": 20, "load.load1": 4, "cpu.count": 2, zero: 0 };
const run = (text: string): number => evaluate(parseExpression(text), vars);

describe("threshold expressions", () => {
  test.each([
    ["memory.usedPercent > 90", 1],
    ["memory.usedPercent > 90 && cpu.usedPercent > 50", 0],
    ["memory.usedPercent > 90 || cpu.usedPercent > 50", 1],
    ["!(cpu.usedPercent > 50)", 1],
    ["load.load1 / cpu.count >= 2", 1],
    ["1 + 2 * 3", 7],
    ["(1 + 2) * 3", 9],
    ["-2 * -3", 6],
    ["10 % 4", 2],
    ["2 == 2 && 3 != 4", 1],
    ["1.5e2", 150],
    ["true && !false", 1],
    ["zero / zero > 1", 0],
    ["1 - 2 - 3", -4],
    ["8 / 4 / 2", 1],
  ])("%s = %p", (text, expected) => {
    expect(run(text)).toBe(expected);
  });

  test.each([
    ["memory.usedPercent >", "expected a number, a string, a name or \"(\" but found the end of the expression"],
    ["(1 + 2", 'expected ")" but found the end of the expression'],
    ["1 + 2)", 'unexpected ")" at position 6'],
    ["a < b < c", 'comparisons cannot be chained: "<" at position 7; use && between them'],
    ["process.exit(1)", 'function calls are not allowed here: "process.exit" at position 1'],
    ["a = 1", 'unexpected character "=" at position 3'],
    ["`x`", 'unexpected character "`" at position 1'],
    ["a; b", 'unexpected character ";" at position 2'],
    ["constructor.constructor('x')", 'function calls are not allowed here: "constructor.constructor" at position 1'],
    ["fileExists('/etc/passwd')", 'function calls are not allowed here: "fileExists" at position 1'],
    ["cpu.usedPercent > 'x'", '">" at position 17 compares a number with a string'],
    ["(".repeat(100) + "1" + ")".repeat(100), "expression is nested too deeply"],
    ["1".repeat(1001), "expression is longer than 1000 characters"],
  ])("%s -> %s", (text, message) => {
    expect(() => parseExpression(text)).toThrow(message);
  });

  test("variables are collected; unknown ones fail at evaluation, naming them", () => {
    expect([...variablesOf(parseExpression("a.b > 1 && !(c < d.e)"))]).toEqual(["a.b", "c", "d.e"]);
    expect(() => run("nope > 1")).toThrow("no value for nope");
  });

  test("names like __proto__ are plain variables, never object properties", () => {
    expect(() => run("__proto__ > 0")).toThrow("no value for __proto__");
    expect(() => run("constructor > 0")).toThrow("no value for constructor");
  });
});
