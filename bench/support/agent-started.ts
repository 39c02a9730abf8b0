/**
 * Whether the agent whose API is at `base` has started. It answers `/livez` from the moment it
 * binds its address, before the rest is up; until it has started, every other answer carries
 * the starting header (src/api/starting-responses.ts).
 */
export async function agentStarted(base: string): Promise<boolean> {
  const response = await fetch(`${base}/readyz`).catch(() => undefined);
  await response?.body?.cancel();
  return response !== undefined && !response.headers.has("x-satellite-starting");
}
