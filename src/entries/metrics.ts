// `siphon-sync/metrics`: Prometheus metrics of runs, requests and waits (prom-client loads only here).

export { type MetricsServer, type ServeMetricsOptions, serveMetrics } from '../metrics/serve-metrics.js';
export { SiphonMetrics, type SiphonMetricsOptions } from '../metrics/siphon-metrics.js';
