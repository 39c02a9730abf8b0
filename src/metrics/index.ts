export { createMetrics, type SatelliteMetrics, type MetricsOptions, type ClusterStatusLike } from "./satellite-metrics.ts";
export { createRegistry, type Registry, type Counter, type Gauge, type Histogram, type Labels } from "./registry.ts";
export { metricsRoute } from "./route.ts";
export { CONTENT_TYPE } from "./exposition.ts";
