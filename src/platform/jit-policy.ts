/**
 * JavaScriptCore's tier-up thresholds are multiplied by this in the agent executable
 * (scripts/build.ts bakes it in with --compile-jit-policy, so it holds from the first line).
 * An agent is mostly idle with short bursts of gossip; compiling lukewarm code in every fresh
 * process cost more than it saved (measured in bench/gossip: a burst of 100 agents on 2 cores,
 * 0.32 -> 0.18-0.21 CPU-s per agent; 20 idle agents, 0.43 -> 0.38 % CPU). Hot code still
 * tiers up, only later.
 */
export const AGENT_JIT_POLICY = 64;

/** Benchmarks that run the agent's parts in-process use this to run them as the executable does. */
export function useAgentJitPolicy(): void {
  Bun.unsafe.setJITPolicy(AGENT_JIT_POLICY);
}
