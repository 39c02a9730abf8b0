import { createServer } from "node:net";
import { STARTING_HEADER } from "../../src/api/starting-responses.ts";

/** A TCP port free on 127.0.0.1 right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/**
 * Polls `condition` until it is true or `timeoutMs` passes, then fails naming `what`.
 * For tests that wait on a real process: a bounded wait on an observable condition.
 */
/**
 * Whether the agent whose API is at `base` has started. It answers `/livez` from the moment it
 * binds its address, before the rest is up; until it has started, every other answer carries
 * the starting header (src/api/starting-responses.ts). `init` carries TLS options when needed.
 */
export async function agentStarted(base: string, init?: RequestInit): Promise<boolean> {
  const response = await fetch(`${base}/readyz`, init).catch(() => undefined);
  await response?.body?.cancel();
  return response !== undefined && !response.headers.has(STARTING_HEADER);
}

/** Waits (bounded) until the agent at `base` has started: see agentStarted. */
export async function waitForAgentStarted(base: string, timeoutMs: number, what: string, init?: RequestInit): Promise<void> {
  await waitFor(() => agentStarted(base, init), timeoutMs, what);
}

export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      if (await condition()) return;
    } catch {
      // not yet
    }
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}`);
    await Bun.sleep(50);
  }
}
