/** Text for times and durations, the same in every view. Pure: no clock of its own. */

/** "just now", "42 s ago", "5 min ago", "3 h ago", "2 d ago". */
export function ago(thenMs: number, nowMs: number): string {
  const s = Math.round((nowMs - thenMs) / 1000);
  if (s < 2) return "just now";
  if (s < 90) return `${s} s ago`;
  const min = Math.round(s / 60);
  if (min < 90) return `${min} min ago`;
  const hours = Math.round(min / 60);
  if (hours < 36) return `${hours} h ago`;
  return `${Math.round(hours / 24)} d ago`;
}

/** 0.42 ms, 12.3 ms, 1.25 s. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return "–";
  if (Math.abs(ms) >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (Math.abs(ms) >= 10) return `${ms.toFixed(0)} ms`;
  if (Math.abs(ms) >= 1) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

/** Local date and time to the second: 2026-11-22 13:04:05. */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Long text shortened for a table cell; the whole text goes in the title. */
export function clip(text: string, lengthMax: number): string {
  return text.length <= lengthMax ? text : `${text.slice(0, lengthMax - 1)}…`;
}
