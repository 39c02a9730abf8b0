import { expect, test } from "bun:test";
import { fullBucket, takeToken, type TokenBucket } from "../../src/kube-writeback/token-bucket.ts";

const limits = { burst: 3, refillMs: 1000 };

test("a full bucket gives `burst` tokens back to back, then one per refill period", () => {
  let bucket: TokenBucket = fullBucket(limits, 0);
  const taken: boolean[] = [];
  const at = (ms: number) => {
    const r = takeToken(bucket, limits, ms);
    bucket = r.bucket;
    taken.push(r.taken);
  };
  for (let i = 0; i < 4; i++) at(0);
  expect(taken).toEqual([true, true, true, false]);
  at(999);
  at(1000);
  at(1500);
  expect(taken.slice(4)).toEqual([false, true, false]);
  // The unspent part of a period is kept: 2000 is one period after 1000.
  at(2000);
  expect(taken.at(-1)).toBe(true);
  // A long pause refills to the burst, not beyond.
  for (let i = 0; i < 4; i++) at(60_000);
  expect(taken.slice(-4)).toEqual([true, true, true, false]);
});
