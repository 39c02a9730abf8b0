/**
 * CPU hogs for a burst under load: each a process that spins until it is stopped or `maxMs`
 * passed (bounded, so a bench that dies leaves none spinning for long), at the agents' nice
 * value so the scheduler weighs them like one more agent each.
 */
export interface CpuHogs {
  readonly count: number;
  stop(): Promise<void>;
}

export function startCpuHogs(count: number, maxMs: number, nice: number): CpuHogs {
  const spin = `const end = Date.now() + ${Math.round(maxMs)}; while (Date.now() < end) {}`;
  const hogs = Array.from({ length: count }, () =>
    Bun.spawn([...(nice ? ["nice", "-n", String(nice)] : []), process.execPath, "-e", spin], { stdout: "ignore", stderr: "ignore" }),
  );
  return {
    count,
    async stop() {
      for (const hog of hogs) hog.kill("SIGKILL");
      await Promise.all(hogs.map((hog) => hog.exited));
    },
  };
}
