import type { SerfQueryParams } from "./serf-query-api.ts";

/** The query engine's settings and bounds (serf's names where serf has them). */
export interface SerfQueriesConfig {
  localName: string;
  /** Slots of the recent-query buffer (serf's QueryBuffer: 512). */
  bufferSize: number;
  /** serf's QueryTimeoutMult (16): default timeout = gossip interval x this x ceil(log10(N + 1)). */
  timeoutMult: number;
  gossipIntervalMs: number;
  /** serf's QuerySizeLimit: an encoded query over it is refused (sent) or dropped (received). */
  querySizeLimitBytes: number;
  /** serf's QueryResponseSizeLimit: an encoded answer over it is not sent; a received payload over it is dropped. */
  responseSizeLimitBytes: number;
  /** Acks and responses one query collects, each (one per member name). */
  responsesMax: number;
  /** Response payload bytes one query collects. */
  responseBytesMax: number;
  /** Our own queries running at once. */
  pendingMax: number;
  /** Handlers answering received queries at once; more queries are not answered (still acked). */
  handlersRunningMax: number;
  /** A received query's timeout is capped at this (it is the answer's deadline). */
  answerTimeoutMsMax: number;
  /** serf relays through at most 5 members. */
  relayFactorMax: number;
  /** Longest timeout a query we send may have. */
  queryTimeoutMsMax: number;
}

export function defaultQueriesConfig(localName: string, gossipIntervalMs: number, membersMax: number): SerfQueriesConfig {
  return {
    localName,
    bufferSize: 512,
    timeoutMult: 16,
    gossipIntervalMs,
    querySizeLimitBytes: 1024,
    responseSizeLimitBytes: 1024,
    responsesMax: membersMax,
    responseBytesMax: 8 * 1024 * 1024,
    pendingMax: 64,
    handlersRunningMax: 32,
    answerTimeoutMsMax: 10 * 60_000,
    relayFactorMax: 5,
    queryTimeoutMsMax: 10 * 60_000,
  };
}

/** Names of queries: what serf's agent accepts in practice, bounded. */
export const QUERY_NAME_BYTES_MAX = 128;

/** Why `params` cannot be sent, or undefined. */
export function checkQueryParams(params: SerfQueryParams, config: SerfQueriesConfig): string | undefined {
  if (params.name === "" || new TextEncoder().encode(params.name).length > QUERY_NAME_BYTES_MAX) return `the name must be 1 to ${QUERY_NAME_BYTES_MAX} bytes`;
  if (params.timeoutMs !== undefined && (!Number.isFinite(params.timeoutMs) || params.timeoutMs <= 0 || params.timeoutMs > config.queryTimeoutMsMax)) {
    return `timeout must be over 0 and at most ${config.queryTimeoutMsMax} ms`;
  }
  if (params.relayFactor !== undefined && (!Number.isInteger(params.relayFactor) || params.relayFactor < 0 || params.relayFactor > config.relayFactorMax)) {
    return `relay factor must be an integer from 0 to ${config.relayFactorMax}`;
  }
  return undefined;
}
