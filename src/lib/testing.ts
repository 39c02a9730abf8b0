/**
 * For `bun test`: the contract suite every Satellite checker passes, to run against your own
 * kinds (docs/library.md, "Testing a checker"). Imports `bun:test`: load it from test files only.
 */
export { runCheckerKindContract, expectValidOutcomes, type CheckerKindContract } from "../../test/checkers/checker-contract.ts";
