/**
 * flink-kit/sql: a client for Flink's SQL Gateway (REST API v1-v4, Flink 1.16+). Sessions,
 * statements, results as typed rows through the gateway's token protocol, the jobs that INSERT
 * statements start (with a savepoint, a parallelism and configuration for that statement), and
 * typed errors with Flink's message and position. Its own entry point: `import 'flink-kit'` loads
 * nothing of it.
 * @packageDocumentation
 */
// First: on Node.js < 22.19 fail with one clear line before undici loads (and dies obscurely).
import '../internal/node-check.js';

export { DEFAULT_SQL_GATEWAY_PORT } from './connection.js';
export { type JavaException, javaExceptions } from './error-parse.js';
export {
  FlinkSqlError,
  type FlinkSqlErrorInit,
  FlinkSqlSessionError,
  FlinkSqlSyntaxError,
  FlinkSqlUnknownTableError,
  FlinkSqlUnsupportedError,
  FlinkSqlValidationError,
  type SqlPosition,
} from './errors.js';
export { SqlGateway, type SqlGatewayOptions, type SqlSessionOptions } from './gateway.js';
export { type ResultOptions, SqlOperation, type SqlOperationStatus, type SqlPage } from './operation.js';
export type { SqlPlan, SqlPlanNode, SqlPlanVertex } from './plan.js';
export { type ExecuteOptions, type SqlQueryResult, SqlSession, type SqlSubmitResult } from './session.js';
export { type StatementKind, splitStatements, statementKind, stripComments } from './statements.js';
export type { SqlSubmitOptions } from './submit-config.js';
export { type RowKind, rowToJson, type SqlColumn, type SqlRow, type SqlValue, sqlTypeOf } from './types.js';
export { SQL_API_VERSIONS, type SqlApiVersion } from './versions.js';
export type { WireLogicalType } from './wire.js';
