/**
 * serf queries as the rest of Satellite uses them (wire-compatible with `serf query`): send a
 * query to the members that match its filters and collect acks and responses until the
 * timeout, and answer the queries of a name. Implemented by the serf layer (serf.ts).
 */

export interface SerfQueryParams {
  name: string;
  payload: Uint8Array;
  /** Only these members answer (serf's node filter); all when absent. */
  filterNodes?: readonly string[];
  /** Only members whose tag matches the regular expression answer (serf's tag filter). */
  filterTags?: Readonly<Record<string, string>>;
  /** serf's default: gossip interval x timeout multiplier x log(N+1). */
  timeoutMs?: number;
  /** Ask every member that received the query to ack it. */
  requestAck?: boolean;
  /** Extra members a response is relayed through (serf's relay factor, 0..5). */
  relayFactor?: number;
  /** Resolve as soon as this many responses arrived instead of at the timeout (serf's key manager stops at N members). */
  responsesWanted?: number;
}

export interface SerfQueryResponse {
  from: string;
  payload: Uint8Array;
}

export interface SerfQueryResult {
  /** Members that acknowledged receipt (only with requestAck). */
  acks: string[];
  responses: SerfQueryResponse[];
}

export interface IncomingSerfQuery {
  name: string;
  payload: Uint8Array;
  /** The member that sent the query. */
  sourceNode: string;
  ltime: number;
  id: number;
}

export interface SerfQuerying {
  /**
   * Sends a query and resolves when its timeout passes with every ack and response received;
   * `onResponse` sees each response as it arrives (for streaming output). Rejects when the
   * query is over the size limit or the agent is not running.
   */
  query(params: SerfQueryParams, onResponse?: (response: SerfQueryResponse) => void): Promise<SerfQueryResult>;
  /**
   * Answers queries of `name`: the handler's bytes are the response (undefined: none). One
   * handler per name; returns the function that removes it.
   */
  answerQuery(name: string, handler: (query: IncomingSerfQuery) => Promise<Uint8Array | undefined>): () => void;
}
