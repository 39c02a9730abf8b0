/**
 * The part of `bun:test` the Deno-run tests use, over `Deno.test`: describe/test/it (with
 * `.each`, `.skip`, `.skipIf`), the four hooks, and `expect` with the matchers those tests call.
 * Mapped in by test/deno/import-map.json, so the same test files run under both runtimes.
 * Equality follows Bun's: `toEqual` ignores properties that are undefined, `toStrictEqual` does not.
 */
import { inspect } from "node:util";

type TestFn = () => unknown | Promise<unknown>;
type Hook = { kind: "beforeEach" | "afterEach" | "beforeAll" | "afterAll"; fn: TestFn };

interface Scope {
  name: string;
  hooks: Hook[];
  parent?: Scope;
}

interface DenoTestApi {
  test(options: { name: string; fn: () => Promise<void>; ignore?: boolean; sanitizeOps: boolean; sanitizeResources: boolean }): void;
}
const deno = (globalThis as unknown as { Deno: DenoTestApi }).Deno;

let current: Scope = { name: "", hooks: [] };
const beforeAllDone = new WeakSet<Scope>();

function chain(scope: Scope): Scope[] {
  const scopes: Scope[] = [];
  for (let s: Scope | undefined = scope; s; s = s.parent) scopes.unshift(s);
  return scopes;
}

function register(name: string, fn: TestFn, ignore = false): void {
  const scope = current;
  const fullName = [...chain(scope).map((s) => s.name).filter(Boolean), name].join(" > ");
  deno.test({
    name: fullName,
    ignore,
    // The suites stop their own agents in afterEach; timers owned by the runtime may outlive a test.
    sanitizeOps: false,
    sanitizeResources: false,
    async fn() {
      const scopes = chain(scope);
      for (const s of scopes) {
        if (beforeAllDone.has(s)) continue;
        beforeAllDone.add(s);
        for (const h of s.hooks) if (h.kind === "beforeAll") await h.fn();
      }
      for (const s of scopes) for (const h of s.hooks) if (h.kind === "beforeEach") await h.fn();
      try {
        await fn();
      } finally {
        for (const s of [...scopes].reverse()) for (const h of s.hooks) if (h.kind === "afterEach") await h.fn();
      }
    },
  });
}

function formatName(template: string, args: unknown[]): string {
  let i = 0;
  return template.replace(/%[sdipjo%#]/g, (token) => (token === "%%" ? "%" : token === "%#" ? String(i) : inspect(args[i++], { depth: 1 })));
}

function withEach(base: (name: string, fn: TestFn) => void) {
  return (rows: readonly unknown[]) => (name: string, fn: (...args: any[]) => unknown) => {
    for (const row of rows) {
      const args = Array.isArray(row) ? row : [row];
      base(formatName(name, args), () => fn(...args));
    }
  };
}

function testFunction(name: string, fn: TestFn, _timeoutMs?: number): void {
  register(name, fn);
}
export const test = Object.assign(testFunction, {
  each: withEach((n, f) => register(n, f)),
  skip: (name: string, fn: TestFn) => register(name, fn, true),
  skipIf: (condition: boolean) => (name: string, fn: TestFn) => register(name, fn, condition),
  if: (condition: boolean) => (name: string, fn: TestFn) => register(name, fn, !condition),
  todo: (name: string) => register(name, () => {}, true),
});
export const it = test;

export function describe(name: string, fn: () => void): void {
  const parent = current;
  current = { name, hooks: [], parent };
  try {
    fn();
  } finally {
    current = parent;
  }
}
describe.each = withEach((n, f) => describe(n, f as () => void));

export const beforeEach = (fn: TestFn) => void current.hooks.push({ kind: "beforeEach", fn });
export const afterEach = (fn: TestFn) => void current.hooks.push({ kind: "afterEach", fn });
export const beforeAll = (fn: TestFn) => void current.hooks.push({ kind: "beforeAll", fn });
export const afterAll = (fn: TestFn) => void current.hooks.push({ kind: "afterAll", fn });

export { expect } from "./bun-expect.ts";
