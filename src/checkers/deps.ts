import { type Disk, systemDisk } from "../platform/disk.ts";
import { type DnsClient, udpDnsClient } from "../platform/dns-client.ts";
import { type Exec, bunExec } from "../platform/exec.ts";
import { type HostFiles, systemHostFiles } from "../platform/host-files.ts";
import { type HttpFetch, bunHttpFetch } from "../platform/http-fetch.ts";
import { type InotifyProbe, systemInotifyProbe } from "../platform/inotify.ts";
import { type NetDialer, systemNetDialer } from "../platform/net-dial.ts";
import type { KubeConnector } from "../kube/kube-api.ts";
import { createHostKubeConnector } from "../kube/plugin-aware-connector.ts";

/** Every side effect a checker may cause, injected when the checker kinds are built. */
export interface CheckerDeps {
  files: HostFiles;
  disk: Disk;
  http: HttpFetch;
  net: NetDialer;
  exec: Exec;
  inotify: InotifyProbe;
  dns: DnsClient;
  kube: KubeConnector;
}

/** The real host; built once in the composition root (or by the default registry). */
export const systemCheckerDeps: CheckerDeps = {
  files: systemHostFiles,
  disk: systemDisk,
  http: bunHttpFetch,
  net: systemNetDialer,
  exec: bunExec,
  inotify: systemInotifyProbe,
  dns: udpDnsClient,
  kube: createHostKubeConnector(bunHttpFetch),
};
