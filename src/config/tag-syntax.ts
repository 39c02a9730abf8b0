/**
 * The one tag syntax of flags, filters and tables: `key=value`, and `key:value` as the
 * original agent's --tags took it. An entry is split at its first `=` or `:`, whichever comes
 * first, so a value may hold the other one (`addr=10.0.0.1:80`). Tables print `key=value`.
 */
export function splitTag(entry: string): { key: string; value: string } {
  const at = entry.search(/[=:]/);
  if (at === -1) return { key: entry.trim(), value: "" };
  return { key: entry.slice(0, at).trim(), value: entry.slice(at + 1).trim() };
}

/** `role=master,zone=a` as shown in tables and messages. */
export function formatTags(tags: Record<string, string>): string {
  return Object.entries(tags)
    .map(([key, value]) => `${key}=${value}`)
    .join(",");
}
