/**
 * Resolves after one turn of the event loop, once the I/O and timers already due have run: long
 * work split into slices awaits this between them so that requests are not held up behind it.
 * Not a clock timer: it waits for nothing but the loop, so simulated clocks need not advance.
 */
export function eventLoopTurn(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
