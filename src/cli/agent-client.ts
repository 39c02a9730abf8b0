import { SatelliteError, describeError } from "../platform/errors.ts";

export interface AgentAddressArgs {
  "rpc-port"?: string;
  addr?: string;
}

/** Thrown when the agent cannot be asked; commands exit 2 with its message. */
export class AgentUnreachableError extends SatelliteError {
  constructor(url: string, cause: unknown) {
    super("AGENT_UNREACHABLE", `cannot reach the agent at ${url}: ${describeError(cause)}`, {
      hint: "is `satellite agent` running there? Point at it with --rpc-port PORT (127.0.0.1) or --addr HOST:PORT",
      cause,
    });
  }
}

export const AGENT_ADDRESS_ARGS = {
  "rpc-port": { type: "string", description: "Port of the local agent's API (127.0.0.1)", default: "7575", valueHint: "port" },
  addr: { type: "string", description: "Agent API address host:port (overrides --rpc-port)", valueHint: "host:port" },
} as const;

/** The base URL the address flags select, or an error message for a bad flag. */
export function agentBaseUrl(args: AgentAddressArgs): string | { error: string } {
  if (args.addr) {
    const addr = args.addr.replace(/^https?:\/\//, "");
    if (!/^(\[[^\]]+\]|[^:/\s]+):\d{1,5}$/.test(addr)) return { error: `--addr "${args.addr}" must be host:port, e.g. 10.0.0.5:7575` };
    return `http://${addr}`;
  }
  const port = Number(args["rpc-port"] ?? "7575");
  if (!Number.isInteger(port) || port < 1 || port > 65535) return { error: `--rpc-port "${args["rpc-port"]}" must be a port number 1-65535` };
  return `http://127.0.0.1:${port}`;
}

export interface AgentResponse {
  status: number;
  body: unknown;
}

/** Calls the agent's API with a bounded time; throws AgentUnreachableError when it does not answer. */
export async function callAgent(fetchFn: typeof fetch, baseUrl: string, path: string, init: { method?: string; body?: unknown; timeoutMs?: number } = {}): Promise<AgentResponse> {
  const url = `${baseUrl}${path}`;
  let response: Response;
  try {
    response = await fetchFn(url, {
      method: init.method ?? "GET",
      headers: init.body === undefined ? undefined : { "content-type": "application/json" },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: AbortSignal.timeout(init.timeoutMs ?? 10_000),
    });
  } catch (error) {
    throw new AgentUnreachableError(baseUrl, error);
  }
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // plain-text endpoints (readyz) stay text
  }
  return { status: response.status, body };
}

/** The API's error body as one line for stderr. */
export function describeApiError(body: unknown): string {
  if (body && typeof body === "object" && "error" in body) {
    const { error, hint } = body as { error: string; hint?: string };
    return hint ? `${error} (${hint})` : error;
  }
  return String(body);
}
