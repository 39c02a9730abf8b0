/**
 * `expect` for the Deno-run tests: the matchers of bun:test they use, with Bun's meaning.
 * A failed matcher throws an Error naming what was expected and what was received.
 */
import { inspect } from "node:util";

const show = (value: unknown): string => inspect(value, { depth: 6, breakLength: 120 });

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

/** Deep equality; `strict` also compares undefined properties and prototypes, as toStrictEqual does. */
export function deepEqual(a: unknown, b: unknown, strict: boolean): boolean {
  if (Object.is(a, b)) return true;
  if (b instanceof Asymmetric) return b.matches(a);
  if (!isObject(a) || !isObject(b)) return false;
  if (strict && Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (a instanceof Map && b instanceof Map) return a.size === b.size && [...a].every(([k, v]) => b.has(k) && deepEqual(v, b.get(k), strict));
  if (a instanceof Set && b instanceof Set) return a.size === b.size && [...a].every((v) => b.has(v));
  if (ArrayBuffer.isView(a) && ArrayBuffer.isView(b)) {
    const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    return x.length === y.length && x.every((v, i) => v === y[i]);
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length !== b.length) return false;
  const keys = (o: Record<string, unknown>) => Object.keys(o).filter((k) => strict || o[k] !== undefined);
  const ka = keys(a);
  const kb = keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k], strict));
}

/** `expect.objectContaining(...)`: equal to anything that matches it. */
class Asymmetric {
  constructor(readonly matches: (actual: unknown) => boolean) {}
}

/** Every property of `expected` is in `actual` with an equal value (recursively for objects). */
function matchesObject(actual: unknown, expected: unknown): boolean {
  if (expected instanceof Asymmetric) return expected.matches(actual);
  if (Array.isArray(expected)) return Array.isArray(actual) && actual.length === expected.length && expected.every((e, i) => matchesObject(actual[i], e));
  if (expected instanceof RegExp || !isObject(expected)) return deepEqual(actual, expected, false);
  if (!isObject(actual)) return false;
  return Object.keys(expected).every((k) => matchesObject(actual[k], expected[k]));
}

type Check = { pass: boolean; message: string };

function matchers(actual: unknown) {
  const num = (value: unknown): number | bigint => value as number | bigint;
  return {
    toBe: (e: unknown): Check => ({ pass: Object.is(actual, e), message: `expected ${show(actual)} to be ${show(e)}` }),
    toEqual: (e: unknown): Check => ({ pass: deepEqual(actual, e, false), message: `expected ${show(actual)} to equal ${show(e)}` }),
    toStrictEqual: (e: unknown): Check => ({ pass: deepEqual(actual, e, true), message: `expected ${show(actual)} to strictly equal ${show(e)}` }),
    toMatchObject: (e: unknown): Check => ({ pass: matchesObject(actual, e), message: `expected ${show(actual)} to match ${show(e)}` }),
    toBeDefined: (): Check => ({ pass: actual !== undefined, message: `expected a defined value, got ${show(actual)}` }),
    toBeUndefined: (): Check => ({ pass: actual === undefined, message: `expected undefined, got ${show(actual)}` }),
    toBeNull: (): Check => ({ pass: actual === null, message: `expected null, got ${show(actual)}` }),
    toBeTruthy: (): Check => ({ pass: Boolean(actual), message: `expected ${show(actual)} to be truthy` }),
    toBeFalsy: (): Check => ({ pass: !actual, message: `expected ${show(actual)} to be falsy` }),
    toBeGreaterThan: (e: number | bigint): Check => ({ pass: num(actual) > e, message: `expected ${show(actual)} > ${show(e)}` }),
    toBeGreaterThanOrEqual: (e: number | bigint): Check => ({ pass: num(actual) >= e, message: `expected ${show(actual)} >= ${show(e)}` }),
    toBeLessThan: (e: number | bigint): Check => ({ pass: num(actual) < e, message: `expected ${show(actual)} < ${show(e)}` }),
    toBeLessThanOrEqual: (e: number | bigint): Check => ({ pass: num(actual) <= e, message: `expected ${show(actual)} <= ${show(e)}` }),
    toBeInstanceOf: (e: abstract new (...args: never[]) => unknown): Check => ({ pass: actual instanceof e, message: `expected ${show(actual)} to be an instance of ${e.name}` }),
    toHaveLength: (e: number): Check => ({ pass: (actual as { length?: number } | null)?.length === e, message: `expected length ${e}, got ${show((actual as { length?: number } | null)?.length)}` }),
    toContain: (e: unknown): Check => ({
      pass: typeof actual === "string" ? actual.includes(String(e)) : Array.isArray(actual) ? actual.some((x) => Object.is(x, e)) : false,
      message: `expected ${show(actual)} to contain ${show(e)}`,
    }),
    toStartWith: (e: string): Check => ({ pass: typeof actual === "string" && actual.startsWith(e), message: `expected ${show(actual)} to start with ${show(e)}` }),
    toHaveProperty: (key: string, ...value: unknown[]): Check => ({
      pass: isObject(actual) && key in actual && (value.length === 0 || deepEqual(actual[key], value[0], false)),
      message: `expected ${show(actual)} to have property ${key}${value.length ? ` = ${show(value[0])}` : ""}`,
    }),
    toMatch: (e: string | RegExp): Check => ({
      pass: typeof actual === "string" && (typeof e === "string" ? actual.includes(e) : e.test(actual)),
      message: `expected ${show(actual)} to match ${show(e)}`,
    }),
    toThrow: (e?: string | RegExp | (new (...args: never[]) => unknown)): Check => {
      let thrown: unknown;
      let threw = false;
      try {
        (actual as () => unknown)();
      } catch (error) {
        thrown = error;
        threw = true;
      }
      return { pass: threw && errorMatches(thrown, e), message: threw ? `expected the thrown ${show(thrown)} to match ${show(e)}` : "expected the function to throw" };
    },
  };
}

function errorMatches(thrown: unknown, e: string | RegExp | (new (...args: never[]) => unknown) | undefined): boolean {
  if (e === undefined) return true;
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  if (typeof e === "string") return message.includes(e);
  if (e instanceof RegExp) return e.test(message);
  return thrown instanceof e;
}

type Matchers = ReturnType<typeof matchers>;
type Assertions = { [K in keyof Matchers]: (...args: Parameters<Matchers[K]>) => void };
type AsyncAssertions = { [K in keyof Matchers]: (...args: Parameters<Matchers[K]>) => Promise<void> };

function assertions(actual: unknown, negate: boolean): Assertions {
  const m = matchers(actual);
  return Object.fromEntries(
    Object.entries(m).map(([name, matcher]) => [
      name,
      (...args: unknown[]) => {
        const { pass, message } = (matcher as (...a: unknown[]) => Check)(...args);
        if (pass === negate) throw new Error(negate ? `not: ${message}` : message);
      },
    ]),
  ) as Assertions;
}

function settled(promise: unknown, wantRejected: boolean, negate: boolean): AsyncAssertions {
  const names = Object.keys(matchers(undefined)) as (keyof Matchers)[];
  return Object.fromEntries(
    names.map((name) => [
      name,
      async (...args: unknown[]) => {
        let value: unknown;
        let rejected = false;
        try {
          value = await promise;
        } catch (error) {
          value = error;
          rejected = true;
        }
        if (rejected !== wantRejected) throw new Error(wantRejected ? `expected a rejection, got ${show(value)}` : `expected a resolution, got the rejection ${show(value)}`);
        (assertions(value, negate)[name] as (...a: unknown[]) => void)(...args);
      },
    ]),
  ) as AsyncAssertions;
}

export function expect(actual: unknown) {
  return expectation(actual);
}
expect.objectContaining = (expected: Record<string, unknown>) => new Asymmetric((actual) => matchesObject(actual, expected));
expect.stringContaining = (expected: string) => new Asymmetric((actual) => typeof actual === "string" && actual.includes(expected));
expect.any = (type: abstract new (...args: never[]) => unknown) =>
  new Asymmetric((actual) => (type === (Number as unknown) ? typeof actual === "number" : type === (String as unknown) ? typeof actual === "string" : actual instanceof type));

function expectation(actual: unknown) {
  return {
    ...assertions(actual, false),
    not: assertions(actual, true),
    resolves: settled(actual, false, false),
    rejects: settled(actual, true, false),
  };
}
