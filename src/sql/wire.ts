import { z } from 'zod';

/**
 * The SQL Gateway's replies on the wire (REST API v1-v4, Flink 1.16+), checked with zod. Field
 * names are the gateway's; the public types are built from them in the modules that use them.
 */

/** `GET /api_versions`: e.g. `{ versions: ['V1', 'V2', 'V3'] }`. */
export const ApiVersions = z.object({ versions: z.array(z.string()) });

/** `GET /info`. */
export const GatewayInfo = z.object({ productName: z.string(), version: z.string() });

/** `POST /sessions`. */
export const OpenedSession = z.object({ sessionHandle: z.string().min(1) });

/** `GET /sessions/:sh`. */
export const SessionConfig = z.object({ properties: z.record(z.string(), z.string()) });

/** `POST /sessions/:sh/statements`. */
export const ExecutedStatement = z.object({ operationHandle: z.string().min(1) });

/** Status of an operation: `/status`, `/cancel`, `/close`. */
export const OperationStatusBody = z.object({ status: z.string() });

/** `GET /sessions/:sh/complete-statement` (v2+). */
export const Completion = z.object({ candidates: z.array(z.string()) });

/**
 * A logical type as the gateway writes it (Flink's LogicalTypeJsonSerializer): `type` is the type
 * root (`BIGINT`, `VARCHAR`, `ROW`, …); parameters and children depend on it.
 */
export interface WireLogicalType {
  type: string;
  nullable?: boolean | undefined;
  length?: number | undefined;
  precision?: number | undefined;
  scale?: number | undefined;
  elementType?: WireLogicalType | undefined;
  keyType?: WireLogicalType | undefined;
  valueType?: WireLogicalType | undefined;
  fields?: Array<{ name: string; fieldType: WireLogicalType; description?: string | null | undefined }> | undefined;
  [other: string]: unknown;
}

export const LogicalType: z.ZodType<WireLogicalType> = z.lazy(() =>
  z.looseObject({
    type: z.string(),
    nullable: z.boolean().optional(),
    length: z.number().optional(),
    precision: z.number().optional(),
    scale: z.number().optional(),
    elementType: LogicalType.optional(),
    keyType: LogicalType.optional(),
    valueType: LogicalType.optional(),
    fields: z.array(z.object({ name: z.string(), fieldType: LogicalType, description: z.string().nullish() })).optional(),
  }),
);

/** `GET /sessions/:sh/operations/:oh/result/:token`. */
export const FetchedResults = z.object({
  resultType: z.enum(['NOT_READY', 'PAYLOAD', 'EOS']),
  nextResultUri: z.string().nullish(),
  // `isQueryResult` from 1.17 (`queryResult` in some releases).
  isQueryResult: z.boolean().nullish(),
  queryResult: z.boolean().nullish(),
  jobID: z.string().nullish(),
  resultKind: z.string().nullish(),
  results: z
    .object({
      columns: z.array(z.object({ name: z.string(), logicalType: LogicalType, comment: z.string().nullish() })).nullish(),
      rowFormat: z.string().nullish(),
      data: z.array(z.object({ kind: z.string(), fields: z.array(z.unknown()) })).default([]),
    })
    .nullish(),
});
export type WireResults = z.output<typeof FetchedResults>;
