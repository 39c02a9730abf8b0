import { round2 } from "./collected-values.ts";

/**
 * Per-second rate of a kernel counter between two samples. A counter that went backwards (a
 * device re-created, a 32-bit counter wrapped) gives 0 for that interval, never a negative rate.
 */
export function ratePerSecond(now: number, before: number, elapsedMs: number): number {
  if (elapsedMs <= 0 || now < before) return 0;
  return round2(((now - before) * 1000) / elapsedMs);
}

/** Whole-number fields of a /proc line after the first `skip` columns; a non-number is 0. */
export function numericFields(line: string, skip: number): number[] {
  return line
    .trim()
    .split(/\s+/)
    .slice(skip)
    .map((field) => {
      const n = Number(field);
      return Number.isFinite(n) && n >= 0 ? n : 0;
    });
}
