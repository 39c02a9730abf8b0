import { hc } from "hono/client";
import type { AppType } from "../api/create-app.ts";
import { STARTING_HEADER } from "../api/starting-responses.ts";
import { SatelliteError, describeError } from "../platform/errors.ts";
import type { TlsMaterial } from "../platform/http-fetch.ts";

/** The agent's API as Hono's typed client: routes, inputs and answers come from the API's own types. */
export type AgentApi = ReturnType<typeof hc<AppType>>;

/** Thrown when the agent cannot be asked; commands exit 2 with its message. */
export class AgentUnreachableError extends SatelliteError {
  constructor(url: string, cause: unknown) {
    const hint = url.startsWith("https:")
      ? "is `satellite agent` serving TLS there? --ca-file names the CA that signed its certificate; --client-cert-file and --client-key-file present ours when it asks for one"
      : "is `satellite agent` running there? Point at it with --addr HOST:PORT (https://HOST:PORT for an agent serving TLS), --rpc-port PORT (127.0.0.1) or SATELLITE_ADDR";
    super("AGENT_UNREACHABLE", `cannot reach the agent at ${url}: ${describeError(cause)}`, { hint, cause });
  }
}

/** The agent refused a mutating call (403): no token, a wrong one, or not on loopback. Commands exit 2. */
export class AgentRefusedError extends SatelliteError {
  constructor(reason: string, agentHint: string | undefined) {
    super("AGENT_REFUSED", `the agent refused: ${reason}`, {
      // The agent's hint knows why (no token here, or a token missing or wrong); ours is for anything else answering 403.
      hint: agentHint ?? "pass the agent's API token with --api-token-file FILE (first line is the token), SATELLITE_API_TOKEN, or --api-token",
    });
  }
}

export interface AgentApiOptions {
  /** Sent as `Authorization: Bearer <token>` on every call. */
  apiToken?: string;
  /** For an https:// base URL: CA to verify the agent, client certificate and key to present. */
  tls?: TlsMaterial;
  /** Bound on the whole call, answer body included. */
  timeoutMs: number;
  /** Waits between asks while the agent is starting. */
  sleep: (ms: number) => Promise<void>;
}

/** How long a call waits for an agent that answers "starting" (it binds its API first thing), and how often it asks. */
export const STARTING_WAIT_MAX_MS = 10_000;
const STARTING_RETRY_MS = 200;

/**
 * The typed client of the agent at `baseUrl`, sending through `fetchFn` (Bun's fetch, or a
 * test's). A call that gets no answer throws AgentUnreachableError; a 403 throws
 * AgentRefusedError, so no command can mistake a refusal for an answer.
 */
export function createAgentApi(fetchFn: typeof fetch, baseUrl: string, options: AgentApiOptions): AgentApi {
  const askOnce = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    try {
      return await fetchFn(input, { ...init, signal: AbortSignal.timeout(options.timeoutMs), ...(options.tls ? { tls: options.tls } : {}) });
    } catch (error) {
      throw new AgentUnreachableError(baseUrl, error);
    }
  };
  const agentFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    let response = await askOnce(input, init);
    // An agent still starting changed nothing: asking again (the same body) is safe.
    for (let waited = 0; response.status === 503 && response.headers.has(STARTING_HEADER) && waited < STARTING_WAIT_MAX_MS; waited += STARTING_RETRY_MS) {
      await response.body?.cancel();
      await options.sleep(STARTING_RETRY_MS);
      response = await askOnce(input, init);
    }
    if (response.status === 403) {
      const { error, hint } = await errorAnswerOf(response);
      throw new AgentRefusedError(error, hint);
    }
    return response;
  };
  return hc<AppType>(baseUrl, {
    fetch: agentFetch as typeof fetch,
    headers: options.apiToken === undefined ? undefined : { authorization: `Bearer ${options.apiToken}` },
  });
}

/** An error answer as one line for stderr: the API's `error (hint)`, or the text of anything else. */
export async function describeErrorAnswer(response: { text(): Promise<string> }): Promise<string> {
  const { error, hint } = await errorAnswerOf(response);
  return hint ? `${error} (${hint})` : error;
}

/** The API's `{error, hint}`, or the (bounded) text of an answer that is not one. */
async function errorAnswerOf(response: { text(): Promise<string> }): Promise<{ error: string; hint?: string }> {
  const text = await response.text();
  try {
    const body: unknown = JSON.parse(text);
    if (body && typeof body === "object" && "error" in body && typeof body.error === "string") {
      return { error: body.error, hint: "hint" in body && typeof body.hint === "string" ? body.hint : undefined };
    }
  } catch {
    // not JSON: show the text
  }
  return { error: text.slice(0, 500) };
}

/**
 * "the agent answered 500: ..." for an answer the route does not declare (its type may be
 * `never` once every declared status was handled; at run time anything can come back).
 */
export async function describeUnexpectedAnswer(response: { status: number; text(): Promise<string> }): Promise<string> {
  return `the agent answered ${response.status}: ${await describeErrorAnswer(response)}`;
}
