/** The bun:test shim itself: a matcher that should fail does, so the Deno-run suites can fail. */
import { describe, expect, test } from "bun:test";

const throws = (fn: () => void): boolean => {
  try {
    fn();
    return false;
  } catch {
    return true;
  }
};

describe("bun:test shim on Deno", () => {
  test("failing matchers throw, passing ones do not", () => {
    const cases: [boolean, () => void][] = [
      [true, () => expect(1).toBe(2)],
      [false, () => expect(1).toBe(1)],
      [true, () => expect({ a: 1 } as unknown).toEqual({ a: 2 })],
      [false, () => expect({ a: 1, b: undefined } as unknown).toEqual({ a: 1 })],
      [true, () => expect({ a: 1, b: undefined } as unknown).toStrictEqual({ a: 1 })],
      [true, () => expect([1, 2]).toEqual([1, 2, 3])],
      [false, () => expect({ a: { b: 1, c: 2 } }).toMatchObject({ a: { b: 1 } })],
      [true, () => expect({ a: { b: 1 } }).toMatchObject({ a: { b: 2 } })],
      [false, () => expect([{ x: 1, y: 2 }]).toEqual([expect.objectContaining({ x: 1 })])],
      [true, () => expect("abc").toContain("d")],
      [true, () => expect(3).toBeGreaterThanOrEqual(4)],
      [true, () => expect(1).not.toBe(1)],
      [true, () => expect(() => {}).toThrow()],
      [false, () => expect(() => { throw new Error("boom here"); }).toThrow("boom")],
    ];
    const wrong = cases.map(([shouldThrow, fn], i) => (throws(fn) === shouldThrow ? undefined : i)).filter((i) => i !== undefined);
    if (wrong.length > 0) throw new Error(`shim matchers wrong in cases ${wrong.join(", ")}`);
  });

  test("rejects and resolves follow the promise", async () => {
    await expect(Promise.reject(new Error("no"))).rejects.toMatchObject({ message: "no" });
    let failed = false;
    await Promise.resolve(expect(Promise.resolve(1)).rejects.toBe(1) as unknown as Promise<void>).catch(() => (failed = true));
    if (!failed) throw new Error("rejects passed on a resolved promise");
  });
});
