import { systemClock } from "../platform/clock.ts";
import { describeUnexpectedAnswer } from "./agent-client.ts";
import type { CliDeps } from "./cli-deps.ts";
import { CommandExit } from "./command-context.ts";
import { isDataFormat, renderData, type OutputFormat } from "./output-format.ts";

/** What a listing's text is drawn with: the time ages are measured to, and `-o wide`. */
export interface ListingView {
  nowMs: number;
  wide: boolean;
}

/** An answer of the typed client for a route that answers 200 with `T`. */
interface ListingAnswer<T> {
  status: number;
  json(): Promise<T>;
  text(): Promise<string>;
}

/**
 * A listing from the agent, printed the way every list command prints one: exit 2 on any
 * answer but 200, the body as it came for `-o json|yaml`, else the text `render` draws.
 * Resolves to the exit code, 0.
 */
export async function printListing<T>(deps: CliDeps, format: OutputFormat, answer: Promise<ListingAnswer<T>>, render: (body: T, view: ListingView) => string): Promise<0> {
  const response = await answer;
  if (response.status !== 200) throw new CommandExit(2, await describeUnexpectedAnswer(response));
  const body = await response.json();
  if (isDataFormat(format)) deps.out(renderData(format, body));
  else deps.out(render(body, { nowMs: (deps.clock ?? systemClock).nowMs(), wide: format === "wide" }));
  return 0;
}
