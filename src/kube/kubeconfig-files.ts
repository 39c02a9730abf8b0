import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join } from "node:path";
import { loadYaml } from "../platform/yaml-package.ts";

/**
 * Where the Kubernetes client configuration comes from, decided as kubectl (client-go's loading
 * rules) decides: an explicit kubeconfig file (`--kubeconfig`, a check's `kubeconfig` option)
 * first, else the files listed in `KUBECONFIG`, else the pod's service account (in-cluster).
 */
export type KubeconfigSource = { kind: "files"; paths: string[]; from: string } | { kind: "in-cluster" };

/** The few environment variables the client reads; the process environment in the agent, given in tests. */
export type KubeEnvironment = Readonly<Record<string, string | undefined>>;

/** At most this many files in KUBECONFIG are read (kubectl sets no bound; a longer list is a mistake). */
const KUBECONFIG_FILES_MAX = 32;

export function kubeconfigSource(explicit: string | undefined, env: KubeEnvironment): KubeconfigSource {
  if (explicit) return { kind: "files", paths: [explicit], from: explicit };
  const list = env.KUBECONFIG;
  // kubectl splits on the OS path-list separator (':' on Linux) and skips empty entries.
  const paths = (list ?? "").split(":").filter((p) => p !== "");
  if (paths.length > 0) return { kind: "files", paths: paths.slice(0, KUBECONFIG_FILES_MAX), from: `KUBECONFIG=${list}` };
  return { kind: "in-cluster" };
}

/** A kubeconfig document as YAML gives it. */
export type KubeconfigDocument = Record<string, unknown>;

export interface KubeconfigFiles {
  exists(path: string): boolean;
  read(path: string): string;
}

const realFiles: KubeconfigFiles = { exists: existsSync, read: (path) => readFileSync(path, "utf8") };

/** The per-entry fields that name files, which kubectl resolves against the directory of the file that sets them. */
const PATH_FIELDS: Readonly<Record<string, readonly string[]>> = {
  clusters: ["certificate-authority"],
  users: ["client-certificate", "client-key", "tokenFile"],
  contexts: [],
};

/**
 * Reads and merges the kubeconfig files of `source` with kubectl's rules: a file listed in
 * KUBECONFIG that does not exist is skipped (an explicit file must exist); for clusters, users
 * and contexts the first file to define a name wins; `current-context` comes from the first file
 * that sets it. Relative file paths are made absolute against their own file's directory, so the
 * merged document means the same wherever it is used. Throws an Error naming the file and what is wrong.
 */
export function readKubeconfigFiles(source: Extract<KubeconfigSource, { kind: "files" }>, files: KubeconfigFiles = realFiles): KubeconfigDocument {
  const present = source.paths.length === 1 ? source.paths : source.paths.filter((p) => files.exists(p));
  if (present.length === 0) throw new Error(`none of the files in ${source.from} exists`);
  const merged: KubeconfigDocument = { apiVersion: "v1", kind: "Config", clusters: [], users: [], contexts: [] };
  for (const path of present) {
    let doc: unknown;
    try {
      doc = loadYaml().parse(files.read(path));
    } catch (error) {
      throw new Error(`cannot read kubeconfig ${path}: ${(error as Error).message}`);
    }
    if (doc === null || doc === undefined) continue;
    if (typeof doc !== "object" || Array.isArray(doc)) throw new Error(`kubeconfig ${path} is not a YAML mapping`);
    const fields = doc as KubeconfigDocument;
    if (merged["current-context"] === undefined && typeof fields["current-context"] === "string" && fields["current-context"] !== "") {
      merged["current-context"] = fields["current-context"];
    }
    for (const list of Object.keys(PATH_FIELDS)) {
      const entries = fields[list];
      if (entries === undefined || entries === null) continue;
      if (!Array.isArray(entries)) throw new Error(`kubeconfig ${path}: ${list} is not a list`);
      const into = merged[list] as Record<string, unknown>[];
      for (const entry of entries as unknown[]) {
        const named = entry as { name?: unknown } | null;
        if (!named || typeof named.name !== "string") throw new Error(`kubeconfig ${path}: an entry of ${list} has no name`);
        if (into.some((e) => e.name === named.name)) continue;
        into.push(absolutePaths(named as Record<string, unknown>, list, dirname(path)));
      }
    }
  }
  return merged;
}

function absolutePaths(entry: Record<string, unknown>, list: string, base: string): Record<string, unknown> {
  const key = list.slice(0, -1);
  const body = entry[key];
  if (!body || typeof body !== "object") return entry;
  const copy: Record<string, unknown> = { ...(body as Record<string, unknown>) };
  for (const field of PATH_FIELDS[list] ?? []) {
    const value = copy[field];
    if (typeof value === "string" && value !== "" && !isAbsolute(value)) copy[field] = join(base, value);
  }
  return { ...entry, [key]: copy };
}

/** The named entry of a merged document's list, or an Error saying which is missing. */
export function namedEntry(doc: KubeconfigDocument, list: "clusters" | "users" | "contexts", name: unknown, from: string): Record<string, unknown> {
  const entries = (doc[list] ?? []) as { name?: unknown }[];
  const found = entries.find((e) => e?.name === name);
  const what = list.slice(0, -1);
  if (!found) throw new Error(`${what} "${String(name)}" is not defined in ${from}`);
  return ((found as Record<string, unknown>)[what] ?? {}) as Record<string, unknown>;
}
