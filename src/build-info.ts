// Replaced by `bun build --define` (scripts/build.ts); absent when running from source.
declare const SATELLITE_BUILD_VERSION: string | undefined;
declare const SATELLITE_BUILD_COMMIT: string | undefined;
declare const SATELLITE_BUILD_TREE_STATE: string | undefined;

/** What `satellite version` and `/version` report. */
export interface VersionInfo {
  version: string;
  gitCommit: string;
  gitTreeState: string;
}

/** Version facts baked in at build time; "dev"/"unknown" when running from source. */
export const buildInfo: VersionInfo = {
  version: typeof SATELLITE_BUILD_VERSION === "string" ? SATELLITE_BUILD_VERSION : "dev",
  gitCommit: typeof SATELLITE_BUILD_COMMIT === "string" ? SATELLITE_BUILD_COMMIT : "unknown",
  gitTreeState: typeof SATELLITE_BUILD_TREE_STATE === "string" ? SATELLITE_BUILD_TREE_STATE : "unknown",
};
