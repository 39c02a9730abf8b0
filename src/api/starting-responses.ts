/**
 * What the API answers between binding its address and the agent having started (the checks
 * planned, gossip joined, the stores open): `/livez` is 200 as it is afterwards (the process
 * answers), `/readyz` is 503 naming the start, everything else a 503 the CLI and scripts can
 * retry on. Nothing here reads agent state, so nothing can leak before the API's rules apply.
 */
const RETRY_AFTER_S = "1";

/**
 * Marks an answer as the start's, not a route's: a client may wait and ask again (the CLI does,
 * for a bounded time), and a script can tell "starting" from a 503 of the running agent.
 */
export const STARTING_HEADER = "x-satellite-starting";

export function startingResponse(request: Request): Response {
  const path = new URL(request.url).pathname;
  const method = request.method;
  if (method !== "GET" && method !== "HEAD") return startingError(path);
  if (path === "/livez") return new Response(method === "HEAD" ? null : "ok", { headers: { "content-type": "text/plain; charset=UTF-8" } });
  if (path === "/readyz") {
    const verbose = new URL(request.url).searchParams.has("verbose");
    const body = verbose ? "[-]agent failed: starting (checks, gossip and the history are being set up)\nreadyz check failed\n" : "not ready";
    return new Response(method === "HEAD" ? null : body, { status: 503, headers: { "content-type": "text/plain; charset=UTF-8", "retry-after": RETRY_AFTER_S, [STARTING_HEADER]: "1" } });
  }
  return startingError(path);
}

function startingError(path: string): Response {
  return Response.json(
    { error: `the agent is starting: ${path} answers once its checks, gossip and history are set up`, hint: "retry in a second; /livez already answers and /readyz says when everything works" },
    { status: 503, headers: { "retry-after": RETRY_AFTER_S, [STARTING_HEADER]: "1" } },
  );
}
