import { Hono } from "hono";
import type { ApiBindings, ApiDeps } from "./api-deps.ts";

/** One detector as GET /detectors shows it (docs/detectors.md, docs/api.md). */
export interface DetectorView {
  name: string;
  applyIf: string;
  tags: Record<string, string>;
  intervalMs: number;
  applies?: boolean;
  lastRunAtMs?: number;
  error?: string;
}

/** Detectors and the tags they set now. */
export interface DetectorsSource {
  list(): DetectorView[];
  /** Every detected tag now (what is gossiped beside the static tags). */
  tags(): Record<string, string>;
}

/** GET /detectors: each detector with its last result, and the detected tags. */
export function detectorsRoutes(deps: ApiDeps) {
  return new Hono<ApiBindings>().get("/detectors", (c) => c.json({ detectors: deps.detectors?.list() ?? [], tags: deps.detectors?.tags() ?? {} }, 200));
}
