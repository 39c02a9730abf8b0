import { describe, expect, test } from "bun:test";
import { Awareness } from "../../src/membership/awareness.ts";

describe("Awareness", () => {
  // memberlist's awareness_test.go: deltas applied in sequence, score and 1 s scaled.
  const steps: [number, number, number][] = [
    [0, 0, 1000],
    [-1, 0, 1000],
    [-10, 0, 1000],
    [1, 1, 2000],
    [-1, 0, 1000],
    [10, 7, 8000],
    [-1, 6, 7000],
    [-1, 5, 6000],
    [-1, 4, 5000],
    [-1, 3, 4000],
    [-1, 2, 3000],
    [-1, 1, 2000],
    [-1, 0, 1000],
    [-1, 0, 1000],
  ];

  test("applies deltas within [0, max - 1] and scales timeouts by score + 1", () => {
    const a = new Awareness(8);
    for (const [delta, score, scaled] of steps) {
      a.applyDelta(delta);
      expect([delta, a.score(), a.scaleTimeout(1000)]).toEqual([delta, score, scaled]);
    }
  });
});
