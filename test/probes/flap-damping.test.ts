import { describe, expect, test } from "bun:test";
import { applyDamping, INITIAL_DAMPING, type StableState } from "../../src/probes/flap-damping.ts";

describe("applyDamping", () => {
  const cases: { name: string; failuresBeforeCritical: number; successesBeforePassing: number; runs: string; shown: string }[] = [
    { name: "default thresholds follow every result", failuresBeforeCritical: 1, successesBeforePassing: 1, runs: "FPFFP", shown: "fpffp" },
    { name: "3 failures needed before failed", failuresBeforeCritical: 3, successesBeforePassing: 1, runs: "FFPFFFP", shown: "pppppfp" },
    { name: "2 successes needed to recover", failuresBeforeCritical: 1, successesBeforePassing: 2, runs: "FPFPPF", shown: "ffffpf" },
    { name: "a flapping check never changes with 2/2", failuresBeforeCritical: 2, successesBeforePassing: 2, runs: "FPFPFP", shown: "pppppp" },
  ];
  for (const c of cases) {
    test(c.name, () => {
      let state = INITIAL_DAMPING;
      const shown: string[] = [];
      for (const run of c.runs) {
        state = applyDamping(state, run === "F", c);
        shown.push((state.stable satisfies StableState) === "failing" ? "f" : "p");
      }
      expect(shown.join("")).toBe(c.shown);
    });
  }
});
