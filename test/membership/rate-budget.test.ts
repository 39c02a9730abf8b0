import { describe, expect, test } from "bun:test";
import { RateBudget } from "../../src/membership/rate-budget.ts";

describe("rate budget", () => {
  test("a full bucket of perSecond tokens, refilled continuously, never more than perSecond saved", () => {
    let now = 0;
    const budget = new RateBudget(10, () => now);
    const takeAll = (): number => {
      let n = 0;
      while (budget.take()) n++;
      return n;
    };
    expect(takeAll()).toBe(10);
    now = 100;
    expect(takeAll()).toBe(1);
    now = 350;
    expect(takeAll()).toBe(2);
    now = 60_000;
    expect(takeAll()).toBe(10);
  });
});
