import { parseEventFilterList } from "../events/event-filter.ts";

/** One `--event-handler [TYPES=]COMMAND`: which events, and the shell command that gets each on stdin. */
export interface EventHandlerSpec {
  /** Kinds and type names; empty: every event. */
  types: string[];
  /** Run with /bin/sh -c, as serf runs its handlers. */
  command: string;
  /** `query:NAME=COMMAND`: answers serf queries of this name instead of following events. */
  query?: string;
}

/** serf's `query:NAME=COMMAND`; the name is what `serf query NAME` sends. */
const QUERY_PREFIX = /^\s*query:([^=\s]{1,128})=([\s\S]*)$/;

/** A leading `name,name=` is a type list; anything else is all command. */
const TYPES_PREFIX = /^\s*([A-Za-z]+(?:\s*,\s*[A-Za-z]+)*)\s*=([\s\S]*)$/;

/**
 * Parses serf's handler syntax, `[TYPES=]COMMAND`: `probe,NodeFailed=/usr/local/bin/page`
 * runs for probe events and NodeFailed, `/usr/local/bin/log-all` for every event. A leading
 * word before `=` is always read as types, so a command that starts with `VAR=value` is
 * refused with a hint instead of silently running for no event. `query:NAME=COMMAND` answers
 * serf queries named NAME (agent/query-handlers.ts).
 */
export function parseEventHandlerSpec(text: string): { ok: true; spec: EventHandlerSpec } | { ok: false; error: string } {
  const query = QUERY_PREFIX.exec(text);
  if (query) {
    const name = query[1] as string;
    const command = (query[2] ?? "").trim();
    if (name.startsWith("_serf_")) return { ok: false, error: `query:${name}: names starting with _serf_ are serf's internal queries, answered by the agent itself` };
    if (command === "") return { ok: false, error: `no command after query:${name}=, e.g. query:uptime=/usr/bin/uptime` };
    return { ok: true, spec: { types: [], command, query: name } };
  }
  const prefixed = TYPES_PREFIX.exec(text);
  const command = (prefixed ? (prefixed[2] ?? "") : text).trim();
  let types: string[] = [];
  if (prefixed) {
    const filter = parseEventFilterList(prefixed[1] ?? "");
    if (!filter.ok) {
      return { ok: false, error: `${filter.error}; the words before the first "=" are the event types (a command that sets a variable needs its types first, e.g. probe=FOO=1 cmd, or use env FOO=1 cmd)` };
    }
    types = [...filter.filter.names];
  }
  if (command === "") return { ok: false, error: `no command after the types: expected [TYPES=]COMMAND, e.g. probe,NodeFailed=/usr/local/bin/on-event` };
  return { ok: true, spec: { types, command } };
}
