/** A Kubernetes `Time` (RFC 3339, whole seconds, UTC), as the API server writes them. */
export function kubeTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.000Z$/, "Z");
}
