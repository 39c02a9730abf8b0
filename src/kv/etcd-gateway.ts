import type { Clock } from "../platform/clock.ts";
import { SatelliteError, describeError } from "../platform/errors.ts";
import type { HttpFetch, TlsMaterial } from "../platform/http-fetch.ts";
import { redactCredentials } from "../platform/redact.ts";
import { describeRuntimeError } from "../platform/runtime-errors.ts";
import { readBodyBounded } from "./bounded-body.ts";

/**
 * Calls to etcd v3's JSON gateway (`POST /v3/...`) over a list of client URLs, with failover:
 * a call goes to the endpoint that answered last; when that one cannot be reached, times out
 * or says it has no leader, the next one is tried, each at most once per call. Errors name
 * the endpoint and say what to do. Tokens of etcd's authentication are kept per endpoint,
 * since etcd's simple tokens are known only to the member that issued them.
 */

export interface EtcdCredentials {
  username: string;
  password: string;
}

export interface EtcdGatewayOptions {
  /** Client URLs, e.g. http://10.0.0.5:2379; at least one. */
  endpoints: readonly string[];
  http: HttpFetch;
  clock: Clock;
  tls?: TlsMaterial;
  credentials?: EtcdCredentials;
  /** One call, answer included, on one endpoint. */
  requestTimeoutMs?: number;
}

export const ETCD_REQUEST_TIMEOUT_MS_DEFAULT = 5_000;
/** How long an unreachable etcd stays in health after the call that found it so. */
export const PROBLEM_SHOWN_MS = 30_000;

/** An authentication answer is a token of a few hundred bytes; an error body a sentence. */
const SMALL_ANSWER_BYTES_MAX = 64 * 1024;

/** gRPC status codes that mean "this member cannot serve now; another may" (Unavailable, DeadlineExceeded, Aborted). */
const RETRY_ELSEWHERE_CODES = new Set([14, 4, 10]);
const UNAUTHENTICATED = 16;
const PERMISSION_DENIED = 7;
const AUTH_REFUSAL = /authentication failed|user name is empty|permission denied|invalid auth token|auth token is not provided/i;

/** Why one endpoint did not serve a call; `elsewhere` means another endpoint may. */
class EndpointProblem extends Error {
  constructor(
    message: string,
    readonly elsewhere: boolean,
    readonly error?: SatelliteError,
  ) {
    super(message);
  }
}

export class EtcdGateway {
  private preferred = 0;
  private readonly tokens = new Map<string, string>();
  private readonly timeoutMs: number;
  /** The last failure to reach etcd and when (monotonic ms); cleared by a call that worked. */
  private lastProblem: { message: string; atMs: number } | undefined;

  constructor(private readonly options: EtcdGatewayOptions) {
    if (options.endpoints.length === 0) {
      throw new SatelliteError("kv_etcd_no_endpoints", "the etcd key-value backend has no endpoints", { hint: "give --kv-etcd-endpoints http://HOST:2379,..." });
    }
    this.timeoutMs = options.requestTimeoutMs ?? ETCD_REQUEST_TIMEOUT_MS_DEFAULT;
  }

  /**
   * Why etcd could not be reached, for health: the last time no endpoint answered, until a call
   * works again or PROBLEM_SHOWN_MS passed without one (an agent that makes no calls must not
   * stay unready for a failure long gone). A refused request (too large, no permission) is the
   * caller's error, not etcd's health, and is not shown here.
   */
  currentProblem(): string | undefined {
    if (!this.lastProblem || this.options.clock.monotonicMs() - this.lastProblem.atMs > PROBLEM_SHOWN_MS) return undefined;
    return this.lastProblem.message;
  }

  /** An endpoint as it may be shown: credentials in the URL are hidden. */
  static shown(endpoint: string): string {
    return redactCredentials(endpoint);
  }

  /** POSTs `body` to `path` and returns the answer's text, at most `answerBytesMax`. */
  async call(path: string, body: Record<string, unknown>, answerBytesMax: number): Promise<{ text: string; endpoint: string }> {
    return this.withFailover(async (endpoint, signal) => {
      const response = await this.post(endpoint, path, body, signal);
      const text = await readBodyBounded(response, answerBytesMax, `etcd at ${EtcdGateway.shown(endpoint)}`);
      return { text, endpoint: EtcdGateway.shown(endpoint) };
    });
  }

  /**
   * POSTs `body` to a streaming `path` (`/v3/watch`) and returns the open response once its
   * headers came; the stream then lives until `signal` aborts or the server ends it.
   */
  async open(path: string, body: Record<string, unknown>, signal: AbortSignal): Promise<{ response: Response; endpoint: string }> {
    return this.withFailover(async (endpoint, callSignal) => {
      const both = AbortSignal.any([signal, callSignal]);
      const response = await this.post(endpoint, path, body, both);
      return { response, endpoint: EtcdGateway.shown(endpoint) };
    }, signal);
  }

  /**
   * Runs `attempt` on each endpoint in turn, from the preferred one, under the call timeout
   * (which ends when `attempt` resolves: a stream outlives it).
   */
  private async withFailover<T>(attempt: (endpoint: string, signal: AbortSignal) => Promise<T>, stop?: AbortSignal): Promise<T> {
    const { endpoints } = this.options;
    const problems: string[] = [];
    let lastError: SatelliteError | undefined;
    for (let i = 0; i < endpoints.length; i++) {
      const index = (this.preferred + i) % endpoints.length;
      const endpoint = endpoints[index] as string;
      const controller = new AbortController();
      const timer = this.options.clock.setTimer(this.timeoutMs, () => controller.abort(new EndpointProblem(`etcd at ${EtcdGateway.shown(endpoint)} did not answer within ${this.timeoutMs} ms`, true)));
      try {
        const result = await attempt(endpoint, controller.signal);
        this.preferred = index;
        this.lastProblem = undefined;
        return result;
      } catch (error) {
        if (stop?.aborted) throw error;
        const problem = this.problemOf(endpoint, error, controller.signal);
        if (!problem.elsewhere) {
          throw problem.error ?? new SatelliteError("kv_etcd_failed", problem.message, { cause: error });
        }
        problems.push(problem.message);
        lastError = problem.error;
      } finally {
        timer.cancel();
      }
    }
    const message = problems.length === 1 ? (problems[0] as string) : `no etcd endpoint answered: ${problems.join("; ")}`;
    this.lastProblem = { message, atMs: this.options.clock.monotonicMs() };
    throw new SatelliteError(lastError?.code ?? "kv_etcd_unreachable", message, {
      hint: lastError?.hint ?? "start etcd, or check --kv-etcd-endpoints: each must be an etcd v3 client URL such as http://10.0.0.5:2379",
    });
  }

  private problemOf(endpoint: string, error: unknown, signal: AbortSignal): EndpointProblem {
    if (error instanceof EndpointProblem) return error;
    if (signal.aborted && signal.reason instanceof EndpointProblem) return signal.reason;
    if (error instanceof SatelliteError) return new EndpointProblem(error.message, false, error);
    const at = `etcd at ${EtcdGateway.shown(endpoint)}`;
    const code = (error as { code?: unknown } | null)?.code;
    if (code === "ECONNREFUSED" || code === "ConnectionRefused") return new EndpointProblem(`${at} refused the connection: is etcd running?`, true);
    const runtime = describeRuntimeError(error);
    return new EndpointProblem(`${at}: ${runtime ?? describeError(error)}`, true);
  }

  /** One POST with the endpoint's token; a stale token is renewed once. */
  private async post(endpoint: string, path: string, body: Record<string, unknown>, signal: AbortSignal): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = { "content-type": "application/json" };
      const token = this.options.credentials ? await this.tokenFor(endpoint, signal) : undefined;
      if (token !== undefined) headers.authorization = token;
      const response = await this.options.http({ url: `${endpoint.replace(/\/+$/, "")}${path}`, method: "POST", headers, body: JSON.stringify(body), signal, tls: this.options.tls });
      if (response.ok) return response;
      const refusal = await this.refusalOf(endpoint, response);
      if (refusal.grpcCode === UNAUTHENTICATED && this.options.credentials && attempt === 0) {
        this.tokens.delete(endpoint);
        continue;
      }
      throw refusal.problem;
    }
  }

  private async tokenFor(endpoint: string, signal: AbortSignal): Promise<string> {
    const known = this.tokens.get(endpoint);
    if (known !== undefined) return known;
    const credentials = this.options.credentials as EtcdCredentials;
    const response = await this.options.http({
      url: `${endpoint.replace(/\/+$/, "")}/v3/auth/authenticate`,
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: credentials.username, password: credentials.password }),
      signal,
      tls: this.options.tls,
    });
    if (!response.ok) throw (await this.refusalOf(endpoint, response)).problem;
    const text = await readBodyBounded(response, SMALL_ANSWER_BYTES_MAX, `etcd at ${EtcdGateway.shown(endpoint)}`);
    let token: unknown;
    try {
      token = (JSON.parse(text) as { token?: unknown }).token;
    } catch {
      token = undefined;
    }
    if (typeof token !== "string" || token === "" || token.length > 4096) {
      throw new EndpointProblem(`etcd at ${EtcdGateway.shown(endpoint)} answered the login without a token: is authentication enabled there?`, false);
    }
    this.tokens.set(endpoint, token);
    return token;
  }

  /** What a non-2xx answer means: the gateway's body is `{"error": ..., "code": N, "message": ...}`. */
  private async refusalOf(endpoint: string, response: Response): Promise<{ grpcCode: number | undefined; problem: EndpointProblem }> {
    const at = `etcd at ${EtcdGateway.shown(endpoint)}`;
    let text = "";
    try {
      text = await readBodyBounded(response, SMALL_ANSWER_BYTES_MAX, at);
    } catch {
      // The status alone says enough.
    }
    let grpcCode: number | undefined;
    let message = `HTTP ${response.status}`;
    try {
      const parsed = JSON.parse(text) as { code?: unknown; message?: unknown; error?: unknown };
      if (typeof parsed.code === "number" && Number.isInteger(parsed.code)) grpcCode = parsed.code;
      const said = typeof parsed.message === "string" ? parsed.message : typeof parsed.error === "string" ? parsed.error : undefined;
      if (said) message = said.replace(/[\u0000-\u001f\u007f]/g, " ").slice(0, 300);
    } catch {
      // Not the gateway's JSON: not etcd, or a proxy in between.
    }
    if (response.status === 404 && grpcCode === undefined) {
      return { grpcCode, problem: new EndpointProblem(`${at} has no v3 JSON gateway at this path (HTTP 404): is it etcd 3.4 or newer?`, true) };
    }
    if (grpcCode !== undefined && RETRY_ELSEWHERE_CODES.has(grpcCode)) return { grpcCode, problem: new EndpointProblem(`${at} cannot serve now: ${message}`, true) };
    // etcd 3.4 answers a failed login with InvalidArgument: its words tell it apart.
    if (grpcCode === UNAUTHENTICATED || grpcCode === PERMISSION_DENIED || response.status === 401 || response.status === 403 || AUTH_REFUSAL.test(message)) {
      const error = new SatelliteError("kv_etcd_permission_denied", `${at} refused access: ${message}`, {
        hint: "check the etcd user and password (--kv-etcd-username, --kv-etcd-password-file) and that the user's role may read and write the key prefix",
      });
      return { grpcCode, problem: new EndpointProblem(error.message, false, error) };
    }
    if (grpcCode === undefined && response.status >= 500) return { grpcCode, problem: new EndpointProblem(`${at} failed: ${message}`, true) };
    const tooLarge = /too large/i.test(message);
    const error = new SatelliteError(tooLarge ? "kv_etcd_request_too_large" : "kv_etcd_rejected", `${at} refused the request: ${message}`, {
      hint: tooLarge ? "store a smaller value, or raise etcd's --max-request-bytes" : "see etcd's message; the request was not applied",
    });
    return { grpcCode, problem: new EndpointProblem(error.message, false, error) };
  }
}
