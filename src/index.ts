/**
 * The product's public face for tooling and benchmarks (bench/): what they may use of the
 * operator, named one by one. They import product code only from here, so what they depend on is
 * this list, not the layout of src/. Not part of the image (src/cmd/operator.ts does not import
 * it) and nothing in src/ imports it. Add a name only when a bench needs it.
 */

// Talking to the API server, as the operator does.
export { KubeClient } from './runtime/kube-client.js';
export { Informer, objectKey, type KubeObject } from './runtime/informer.js';
export { createLogger } from './runtime/logger.js';
export { cpuMillis, parseQuantity } from './api/quantity.js';
export { FIELD_MANAGER } from './controller/names.js';
export { objectPath, type Kind } from './controller/resources.js';

// A slice as the operator reads it, and its plan: the objects the operator applies for it
// (bench/scale --floor applies them itself, with no operator running).
export { snssaiLabel, toSliceView } from './controller/view-from-api.js';
export { discoverSites, withOccupancy, type NodeLike } from './controller/sites.js';
export { planSlice } from './controller/slice-plan.js';
export { priorityClass } from './controller/desired.js';
export { SliceMetrics } from './controller/slice-metrics.js';

// The embedded forecaster, its model and the online calibrator.
export { defaultCardPath, defaultModelPath, Forecaster, packageRoot } from './forecast/forecaster.js';
export type { SeriesInput } from './forecast/contract.js';
export { CALENDAR_FEATURES, loadModelCard } from './forecast/card.js';
export { DEFAULT_MAX_BATCH_ROWS, OnnxForecastModel } from './forecast/model.js';
export { ConformalCalibrator } from './forecast/calibration.js';

// The telemetry loop.
export { DEFAULT_BATCH_QUERY, LoadObserver } from './telemetry/load-observer.js';
export { DEFAULT_HISTORY_STEPS } from './telemetry/load-history.js';
export { detectLoad, initialDetector, type DetectorState } from './telemetry/load-anomaly.js';
export { Indexer } from './runtime/indexer.js';
export { ValueTable } from './runtime/intern.js';
export { compactPod, podSliceKey } from './controller/pod-facts.js';
export type { PrometheusClient, Sample, Series } from './telemetry/prometheus-client.js';

// The what-if twin (bench/whatif.ts replays 10,000 slices of history through it).
export { prepare, replay } from './twin/whatif.js';
export { prepareAll, replayAll } from './twin/replay-pool.js';
export { DEFAULT_TIMING } from './twin/simulate.js';
export { sliceViewsFromFile } from './twin/manifests.js';
