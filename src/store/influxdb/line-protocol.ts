/**
 * InfluxDB 1.x line protocol: `measurement,tag=v field="s",n=1i <ms>` (written with
 * `precision=ms`). Escaping per the 1.x reference: measurement escapes `,` and space; tag
 * keys, tag values and field keys escape `,`, `=` and space; string field values are quoted
 * with `"` and `\` escaped. Line breaks end a line, so they become spaces in names and tags
 * (string fields may keep them: the 1.x parser accepts them inside quotes).
 */
export type FieldValue = string | number | boolean;

export interface Point {
  measurement: string;
  /** Empty values are left out (InfluxDB rejects empty tag values). */
  tags: Record<string, string | undefined>;
  /** Undefined fields are left out; a point needs at least one field. */
  fields: Record<string, FieldValue | undefined>;
  /** Unix milliseconds. */
  tsMs: number;
}

export function escapeMeasurement(name: string): string {
  return noBreaks(name).replace(/[, ]/g, (c) => `\\${c}`);
}

export function escapeKey(key: string): string {
  return noBreaks(key).replace(/[,= ]/g, (c) => `\\${c}`);
}

export function escapeStringField(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

function noBreaks(text: string): string {
  return text.replace(/[\r\n]+/g, " ");
}

function formatField(value: FieldValue): string {
  if (typeof value === "string") return escapeStringField(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  // Integers are written as floats too, so a field never changes type between points.
  return Number.isFinite(value) ? String(value) : "0";
}

/** One line without the trailing newline, or undefined when the point has no field. */
export function formatPoint(point: Point): string | undefined {
  const tags = Object.keys(point.tags)
    .sort()
    .filter((k) => point.tags[k] !== undefined && point.tags[k] !== "")
    .map((k) => `,${escapeKey(k)}=${escapeKey(point.tags[k] as string)}`)
    .join("");
  const fields = Object.keys(point.fields)
    .sort()
    .filter((k) => point.fields[k] !== undefined)
    .map((k) => `${escapeKey(k)}=${formatField(point.fields[k] as FieldValue)}`)
    .join(",");
  if (fields === "") return undefined;
  return `${escapeMeasurement(point.measurement)}${tags} ${fields} ${Math.round(point.tsMs)}`;
}
