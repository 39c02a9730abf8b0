/**
 * containerd's own socket (also the CRI endpoint kubelet uses). A file of its own so the
 * built-in checks' host detection (defaults.ts) reads it without loading the containerd kind.
 */
export const CONTAINERD_SOCKET = "/run/containerd/containerd.sock";
