import type { z } from 'zod';
import { FlinkVersion } from '../compat/versions.js';
import type { FlinkApiError } from '../errors/api-errors.js';
import { FlinkConnectionError } from '../errors/transport-errors.js';
import { redactUrl } from '../internal/redact.js';
import type { ClientOptions, RequestOptions } from '../options.js';
import type { ServerDescription } from '../transport/connection-error.js';
import { Transport } from '../transport/http.js';
import type { HttpRequest } from '../transport/request.js';
import { type SqlErrorContext, sqlErrorRules } from './error-rules.js';
import { negotiate, requireFeature, type SqlApiVersion, type SqlFeature } from './versions.js';
import { ApiVersions, GatewayInfo } from './wire.js';

/** The SQL Gateway's default REST port (`sql-gateway.endpoint.rest.port`). */
export const DEFAULT_SQL_GATEWAY_PORT = 8083;

const WHERE_GATEWAY =
  "Flink's SQL Gateway listens on sql-gateway.endpoint.rest.port, 8083 by default (the JobManager's REST API, usually 8081, is another server). Start one with Flink's bin/sql-gateway.sh start-foreground (or startLocalCluster({ sqlGateway: true })), and point --sql-url / FLINK_SQL_URL / url at it.";

/** The SQL Gateway, as the transport's connection and reply errors name it. */
const SQL_GATEWAY: ServerDescription = {
  refusedHint: `No SQL Gateway there. ${WHERE_GATEWAY}`,
  otherServerHint: (origin) => `Is ${origin} Flink's SQL Gateway? ${WHERE_GATEWAY}`,
};

/**
 * The transport to one SQL Gateway with the REST API version negotiated once (`GET /api_versions`,
 * the newest both sides speak), and the gateway's error replies typed by its error rules. Shared
 * by the gateway client, its sessions and operations.
 * @internal
 */
export class GatewayConnection {
  readonly transport: Transport;
  private readonly pinned: string | undefined;
  private negotiated: Promise<{ version: SqlApiVersion; served: string[] }> | undefined;
  private flinkVersionPromise: Promise<FlinkVersion> | undefined;

  constructor(options: ClientOptions & { url: string; apiVersion?: string | undefined }) {
    this.transport = new Transport({ ...options, server: SQL_GATEWAY });
    this.pinned = options.apiVersion;
  }

  get url(): string {
    return this.transport.baseUrl.href;
  }

  /** The negotiated REST API version and what the gateway serves. */
  versions(options?: RequestOptions): Promise<{ version: SqlApiVersion; served: string[] }> {
    this.negotiated ??= (async () => {
      const body: z.output<typeof ApiVersions> = await this.call(
        {
          method: 'GET',
          path: '/api_versions',
          prefix: '', // the one unversioned route
          schema: ApiVersions,
          errors: [{ status: 404, wrap: (error) => notAGateway(error, this.url) }],
        },
        options,
      );
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
   * Performs a call under the negotiated version's prefix (unless it names its own), its error
   * rules first, then the gateway's ({@link sqlErrorRules}: {@link FlinkSqlError} and subclasses,
   * {@link FlinkSqlSessionError}) with what `context` says of the statement and session.
   */
  async call<T>(req: HttpRequest<T>, options?: RequestOptions, context?: SqlErrorContext): Promise<T> {
    const prefix = req.prefix ?? (await this.versions(options)).version;
    return this.transport.request<T>({ ...req, prefix, errors: [...(req.errors ?? []), ...sqlErrorRules(context)] }, options);
  }

  close(): Promise<void> {
    return this.transport.close();
  }
}

/** `/api_versions` answered 404: something else than a SQL Gateway listens there (a JobManager answers so). */
function notAGateway(error: FlinkApiError, url: string): FlinkConnectionError {
  return new FlinkConnectionError(
    `no SQL Gateway at ${redactUrl(url)}: GET /api_versions answered HTTP 404 (a JobManager answers so). ${WHERE_GATEWAY}`,
    { url, cause: error },
  );
}
