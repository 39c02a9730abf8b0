import type { MaintenanceTable } from "../cluster/maintenance-table.ts";
import { isMaintenanceId, windowProblem, type MaintenanceWindow } from "../cluster/maintenance-window.ts";
import { describeError } from "../platform/errors.ts";
import type { PrivateTextFiles } from "../platform/private-text-files.ts";

/** In the state directory, 0600. */
export const MAINTENANCE_FILE_NAME = "maintenance.json";
/** The table's bounds make the file far smaller; a larger one is not ours. */
const FILE_BYTES_MAX = 1 << 20;

interface MaintenanceFile {
  version: 1;
  windows: MaintenanceWindow[];
  /** Ids ended before their time, with when their window would have ended; `mine`: ended by this node. */
  ended: { id: string; untilMs: number; mine: boolean }[];
}

/** Writes the table and this node's ends (atomically, 0600); throws when the file cannot be written. */
export function saveMaintenanceFile(files: PrivateTextFiles, path: string, table: MaintenanceTable, myEnds: ReadonlyMap<string, number>): void {
  const state = table.state();
  const file: MaintenanceFile = { version: 1, windows: state.windows, ended: state.ended.map((e) => ({ ...e, mine: myEnds.has(e.id) })) };
  files.writeAtomic(path, `${JSON.stringify(file)}\n`);
}

/**
 * Fills the table (and this node's ends) from the file of the last run; a missing file is an
 * empty table. The file is checked like gossip: a window that does not pass is left out.
 * Returns what was wrong, to log; never throws.
 */
export function loadMaintenanceFile(files: PrivateTextFiles, path: string, table: MaintenanceTable, myEnds: Map<string, number>, nowMs: number): string[] {
  let text: string | undefined;
  try {
    text = files.read(path, FILE_BYTES_MAX);
  } catch (error) {
    return [describeError(error)];
  }
  if (text === undefined) return [];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return ["the file is not JSON; it is replaced at the next change"];
  }
  const file = value as Partial<MaintenanceFile> | null;
  if (typeof file !== "object" || file === null || file.version !== 1 || !Array.isArray(file.windows) || !Array.isArray(file.ended)) return ["the file is not a maintenance state of this version"];
  const problems: string[] = [];
  for (const entry of file.ended) {
    if (typeof entry !== "object" || entry === null || typeof entry.id !== "string" || !isMaintenanceId(entry.id) || !Number.isSafeInteger(entry.untilMs)) {
      problems.push("an ended entry is malformed");
      continue;
    }
    if (entry.untilMs <= nowMs) continue;
    table.end(entry.id, entry.untilMs);
    if (entry.mine === true) myEnds.set(entry.id, entry.untilMs);
  }
  for (const window of file.windows) {
    const problem = windowProblem(window, nowMs);
    if (problem !== undefined) problems.push(`a window is malformed: ${problem}`);
    // Windows over meanwhile are taken too: the agent ends them at once, so the timeline says so.
    else table.start(window, Number.MIN_SAFE_INTEGER);
  }
  return problems;
}
