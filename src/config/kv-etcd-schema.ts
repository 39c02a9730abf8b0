import { z } from "zod";
import { CONFIG_BOUNDS as B } from "./bounds.ts";
import { parseDurationMs } from "./duration.ts";

/**
 * The `kv.etcd` section: where the key-value store lives with `kv.backend: etcd` (flags
 * --kv-etcd-*). Read only when that backend is chosen; the agent's `etcdServers` and its TLS
 * files are for the etcd health checks and are not reused, so the store cannot land in
 * Kubernetes' own etcd by accident.
 */

const etcdUrl = () =>
  z
    .url()
    .max(B.urlLengthMax)
    .refine((text) => /^https?:\/\//i.test(text), "expected an etcd client URL such as http://10.0.0.5:2379 or https://10.0.0.5:2379");

const requestTimeout = () =>
  z
    .string()
    .max(B.durationLengthMax)
    .refine((text) => {
      const ms = parseDurationMs(text);
      return ms !== undefined && ms >= 100 && ms <= 60_000;
    }, "expected a timeout from 100ms to 60s, e.g. 5s");

export function kvEtcdSchema() {
  return z
    .strictObject({
      /** Client URLs of the etcd members; calls fail over between them. Required with `kv.backend: etcd`. */
      endpoints: z.array(etcdUrl()).max(B.etcdServersMax).default([]),
      /** Every key of the store is kept under this etcd key prefix. */
      prefix: z
        .string()
        .min(1, "give a prefix such as /satellite/kv/")
        .max(256)
        .regex(/^[^\u0000-\u001f\u007f]+$/, "no control characters in the prefix")
        .default("/satellite/kv/"),
      /** CA bundle (PEM) that signed etcd's server certificates (https endpoints). */
      caFile: z.string().min(1).max(B.pathLengthMax).optional(),
      /** Client certificate (PEM) for etcd's --client-cert-auth, with keyFile. */
      certFile: z.string().min(1).max(B.pathLengthMax).optional(),
      keyFile: z.string().min(1).max(B.pathLengthMax).optional(),
      /** etcd user when etcd's authentication is enabled, with password or passwordFile. */
      username: z.string().min(1).max(B.secretLengthMax).optional(),
      password: z.string().min(1).max(B.secretLengthMax).optional(),
      /** File whose first line is the password: keeps it out of the process list and the config file. */
      passwordFile: z.string().min(1).max(B.pathLengthMax).optional(),
      /** One call to one member, answer included; then the next member is tried. */
      requestTimeout: requestTimeout().default("5s"),
    })
    .superRefine((etcd, ctx) => {
      if ((etcd.certFile === undefined) !== (etcd.keyFile === undefined)) {
        ctx.addIssue({ code: "custom", path: ["certFile"], message: "certFile and keyFile go together: give both or neither" });
      }
      if (etcd.password !== undefined && etcd.passwordFile !== undefined) {
        ctx.addIssue({ code: "custom", path: ["passwordFile"], message: "give password or passwordFile, not both (prefer the file)" });
      }
      if (etcd.username === undefined && (etcd.password !== undefined || etcd.passwordFile !== undefined)) {
        ctx.addIssue({ code: "custom", path: ["username"], message: "a password needs the etcd user name too (kv.etcd.username, --kv-etcd-username)" });
      }
      if (etcd.username !== undefined && etcd.password === undefined && etcd.passwordFile === undefined) {
        ctx.addIssue({ code: "custom", path: ["passwordFile"], message: "an etcd user needs its password: give passwordFile (--kv-etcd-password-file) or SATELLITE_KV_ETCD_PASSWORD" });
      }
    });
}

export type KvEtcdConfig = z.output<ReturnType<typeof kvEtcdSchema>>;
