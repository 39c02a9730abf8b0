import type { RE2JS } from "re2js";
import { describeError } from "../platform/errors.ts";
import { decodeFilter, encodeNodeFilter, encodeTagFilter } from "./serf-query-wire.ts";
import { assertNever } from "../platform/assert-never.ts";
import { lazyPackage } from "../platform/lazy-package.ts";

/** RE2 for tag filters, loaded with the first tag filter a query carries (most agents never see one). */
const loadRe2js = lazyPackage("re2js", () => require("re2js") as typeof import("re2js"));

/**
 * serf's query filters: a node list and tag regular expressions, all of which a member must
 * pass to answer (or ack) a query. Expressions are Go's regexp syntax, matched unanchored as
 * Go's regexp.MatchString does; they come from the network, so they run on re2js (RE2:
 * linear time, no backtracking, bounded repetition) and are bounded in length.
 */

/** Longest tag expression evaluated; a longer one fails the filter. */
export const TAG_FILTER_EXPR_CHARS_MAX = 256;
/** Filters in one query; serf sends one node filter and one per tag. */
export const QUERY_FILTERS_MAX = 32;
/** Compiled expressions kept (a query's expressions are matched once per receipt). */
const COMPILED_MAX = 64;

export interface QueryFilterParams {
  filterNodes?: readonly string[];
  filterTags?: Readonly<Record<string, string>>;
}

export function encodeFilters(params: QueryFilterParams): Uint8Array[] {
  const out: Uint8Array[] = [];
  if (params.filterNodes && params.filterNodes.length > 0) out.push(encodeNodeFilter(params.filterNodes));
  for (const [tag, expr] of Object.entries(params.filterTags ?? {})) out.push(encodeTagFilter(tag, expr));
  return out;
}

export type FilterVerdict = { pass: true } | { pass: false; reason: string };

export class QueryFilterMatcher {
  private readonly compiled = new Map<string, RE2JS | string>();

  /** Whether the member `name` with `tags` passes every filter; a malformed or unknown filter fails. */
  check(filters: readonly Uint8Array[], name: string, tags: Readonly<Record<string, string>>): FilterVerdict {
    if (filters.length > QUERY_FILTERS_MAX) return { pass: false, reason: `${filters.length} filters, over ${QUERY_FILTERS_MAX}` };
    for (const bytes of filters) {
      let filter;
      try {
        filter = decodeFilter(bytes);
      } catch (error) {
        return { pass: false, reason: `malformed filter: ${describeError(error)}` };
      }
      switch (filter.type) {
        case "node":
          if (!filter.nodes.includes(name)) return { pass: false, reason: "not in the node filter" };
          break;
        case "tag": {
          const re = this.compile(filter.expr);
          if (typeof re === "string") return { pass: false, reason: re };
          if (!re.matcher(tags[filter.tag] ?? "").find()) return { pass: false, reason: `tag ${filter.tag} does not match` };
          break;
        }
        case "unknown":
          return { pass: false, reason: `unknown filter type ${filter.filterType}` };
        default:
          assertNever(filter, "query filter");
      }
    }
    return { pass: true };
  }

  /** The compiled expression, or why it cannot be used. */
  private compile(expr: string): RE2JS | string {
    const cached = this.compiled.get(expr);
    if (cached !== undefined) return cached;
    let result: RE2JS | string;
    if (expr.length > TAG_FILTER_EXPR_CHARS_MAX) {
      result = `tag expression of ${expr.length} characters, over ${TAG_FILTER_EXPR_CHARS_MAX}`;
    } else {
      try {
        result = loadRe2js().RE2JS.compile(expr);
      } catch (error) {
        result = `tag expression does not compile: ${describeError(error)}`;
      }
    }
    if (this.compiled.size >= COMPILED_MAX) this.compiled.delete(this.compiled.keys().next().value as string);
    this.compiled.set(expr, result);
    return result;
  }
}

/** Checks a tag expression the way a receiver will, so a sender can refuse it with a clear error. */
export function tagExpressionProblem(expr: string): string | undefined {
  const verdict = new QueryFilterMatcher().check([encodeTagFilter("t", expr)], "", {});
  return verdict.pass || !/expression/.test(verdict.reason) ? undefined : verdict.reason;
}
