export { FlinkApiError, type FlinkApiErrorInit, FlinkConflictError, FlinkNotFoundError } from './api-errors.js';
export { FlinkJobFailedError, FlinkOperationError, FlinkUpgradeError, InsufficientSlotsError } from './domain-errors.js';
export { FlinkError, type FlinkErrorOptions, FlinkInputError, isFlinkError } from './flink-error.js';
export { FlinkKubernetesError, type KubernetesErrorReason } from './kube-errors.js';
export { FlinkConnectionError, FlinkResponseError, FlinkTimeoutError } from './transport-errors.js';
