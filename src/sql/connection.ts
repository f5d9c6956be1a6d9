import type { z } from 'zod';
import { FlinkVersion } from '../compat/versions.js';
import { FlinkNotFoundError } from '../errors/api-errors.js';
import { FlinkConnectionError, FlinkResponseError } from '../errors/transport-errors.js';
import { redactUrl } from '../internal/redact.js';
import type { ClientOptions, RequestOptions } from '../options.js';
import { Transport } from '../transport/http.js';
import type { HttpRequest } from '../transport/request.js';
import { type SqlErrorContext, sqlErrorOf } from './error-parse.js';
import { parseExact } from './types.js';
import { negotiate, requireFeature, type SqlApiVersion, type SqlFeature } from './versions.js';
import { ApiVersions, GatewayInfo } from './wire.js';

/** The SQL Gateway's default REST port (`sql-gateway.endpoint.rest.port`). */
export const DEFAULT_SQL_GATEWAY_PORT = 8083;

/** One call to the gateway, under the negotiated version prefix. */
export interface GatewayCall<T> extends Omit<HttpRequest<T>, 'prefix' | 'schema' | 'text'> {
  schema?: z.ZodType<T>;
  /** Parse numbers exactly (result pages): BIGINT and DECIMAL values keep every digit. */
  exact?: boolean;
  /** Unversioned route (`/api_versions`). */
  unversioned?: boolean;
}

/**
 * The transport to one SQL Gateway with the REST API version negotiated once (`GET /api_versions`,
 * the newest both sides speak), and the gateway's errors turned into typed ones. Shared by the
 * gateway client, its sessions and operations.
 * @internal
 */
export class GatewayConnection {
  readonly transport: Transport;
  private readonly pinned: string | undefined;
  private negotiated: Promise<{ version: SqlApiVersion; served: string[] }> | undefined;
  private flinkVersionPromise: Promise<FlinkVersion> | undefined;

  constructor(options: ClientOptions & { url: string; apiVersion?: string | undefined }) {
    this.transport = new Transport(options);
    this.pinned = options.apiVersion;
  }

  get url(): string {
    return this.transport.baseUrl.href;
  }

  /** The negotiated REST API version and what the gateway serves. */
  versions(options?: RequestOptions): Promise<{ version: SqlApiVersion; served: string[] }> {
    this.negotiated ??= (async () => {
      let body: z.output<typeof ApiVersions>;
      try {
        body = await this.call({ method: 'GET', path: '/api_versions', unversioned: true, schema: ApiVersions }, options);
      } catch (error) {
        throw notAGateway(error, this.url);
      }
      return { version: negotiate(body.versions, this.pinned), served: body.versions };
    })();
    this.negotiated.catch(() => {
      this.negotiated = undefined;
    });
    return this.negotiated;
  }

  /** The Flink version of the gateway (`GET /info`), read once. */
  flinkVersion(options?: RequestOptions): Promise<FlinkVersion> {
    this.flinkVersionPromise ??= this.call({ method: 'GET', path: '/info', schema: GatewayInfo }, options).then((i) =>
      FlinkVersion.parse(i.version),
    );
    this.flinkVersionPromise.catch(() => {
      this.flinkVersionPromise = undefined;
    });
    return this.flinkVersionPromise;
  }

  /** @throws {@link FlinkSqlUnsupportedError} when the version in use lacks the feature. */
  async require(feature: SqlFeature, options?: RequestOptions): Promise<SqlApiVersion> {
    const { version, served } = await this.versions(options);
    requireFeature(version, feature, served);
    return version;
  }

  /**
   * Performs a call: under the negotiated version's prefix, gateway errors typed
   * ({@link FlinkSqlError} and subclasses, {@link FlinkSqlSessionError}), connection errors with
   * where the gateway usually is.
   */
  async call<T>(req: GatewayCall<T>, options?: RequestOptions, context?: SqlErrorContext): Promise<T> {
    const prefix = req.unversioned ? '' : (await this.versions(options)).version;
    const { schema, exact, unversioned: _, ...rest } = req;
    try {
      if (!exact) return await this.transport.request<T>({ ...rest, prefix, ...(schema ? { schema } : {}) }, options);
      const text = await this.transport.request<string>({ ...rest, prefix, text: true }, options);
      return this.parseExact(req, prefix, text, schema);
    } catch (error) {
      throw gatewayError(error, this.url, context);
    }
  }

  close(): Promise<void> {
    return this.transport.close();
  }

  private parseExact<T>(req: GatewayCall<T>, prefix: string, text: string, schema: z.ZodType<T> | undefined): T {
    let json: unknown;
    try {
      json = parseExact(text);
    } catch {
      throw new FlinkResponseError(
        `${req.method} /${prefix}${req.path} answered ${JSON.stringify(text.slice(0, 120))}, not the SQL Gateway's JSON. Is ${redactUrl(this.url)} Flink's SQL Gateway?`,
        { status: 200, body: text },
      );
    }
    const result = schema ? schema.safeParse(json) : { success: true as const, data: json as T };
    if (result.success) return result.data;
    const summary = result.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    throw new FlinkResponseError(`${req.method} /${prefix}${req.path} answered JSON of an unexpected shape (${summary}).`, {
      status: 200,
      body: text,
      issues: result.error.issues,
    });
  }
}

const WHERE_GATEWAY =
  "Flink's SQL Gateway listens on sql-gateway.endpoint.rest.port, 8083 by default (the JobManager's REST API, usually 8081, is another server). Start one with Flink's bin/sql-gateway.sh start-foreground (or startLocalCluster({ sqlGateway: true })), and point --sql-url / FLINK_SQL_URL / url at it.";

/** A gateway error reply as a typed SQL error; a refused connection with where the gateway usually is. */
function gatewayError(error: unknown, url: string, context: SqlErrorContext | undefined): unknown {
  if (error instanceof FlinkConnectionError && error.code === 'ECONNREFUSED') {
    return new FlinkConnectionError(`nothing listens at ${redactUrl(url)} (connection refused): no SQL Gateway there. ${WHERE_GATEWAY}`, {
      url: error.url,
      code: error.code,
      cause: error,
    });
  }
  return sqlErrorOf(error, context);
}

/** `/api_versions` answered 404 or not JSON: something else than a SQL Gateway listens there. */
function notAGateway(error: unknown, url: string): unknown {
  if (error instanceof FlinkNotFoundError || error instanceof FlinkResponseError) {
    return new FlinkConnectionError(
      `no SQL Gateway at ${redactUrl(url)}: GET /api_versions answered ${error instanceof FlinkNotFoundError ? 'HTTP 404' : 'something that is not its JSON'} (a JobManager answers so). ${WHERE_GATEWAY}`,
      { url, cause: error },
    );
  }
  return error;
}
