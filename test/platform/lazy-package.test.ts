import { expect, test } from "bun:test";
import { lazyPackage } from "../../src/platform/lazy-package.ts";

test("a lazy package loads on the first call, once, and not before", () => {
  let loads = 0;
  const get = lazyPackage("example", () => ({ n: ++loads }));
  expect(loads).toBe(0);
  expect(get()).toEqual({ n: 1 });
  expect(get()).toBe(get());
  expect(loads).toBe(1);
});

test("a package that fails to load is tried again on the next call", () => {
  let attempts = 0;
  const get = lazyPackage("flaky", () => {
    attempts++;
    if (attempts === 1) throw new Error("not yet");
    return { ok: true };
  });
  expect(() => get()).toThrow("not yet");
  expect(get()).toEqual({ ok: true });
});
