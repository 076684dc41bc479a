// The environment, parsed once into a frozen, typed config. Nothing else in the code reads process.env:
// every other module takes what it needs from here, so a bad value is caught at start with one clear line.
import { z } from 'zod';
import { errorWithCode } from './errors.js';
import { retentionConfigOf, retentionEnvironment, type RetentionConfig } from './retention/options.js';

/** Where `npm run stack:up` serves its embedded PostgreSQL when no database URL is configured. */
export const EMBEDDED_POSTGRES_PORT = 54329;
const embeddedUrl = (database: string) =>
  `postgres://postgres@127.0.0.1:${EMBEDDED_POSTGRES_PORT}/${database}`;

const brokerList = z
  .string()
  .trim()
  .min(1)
  .transform((value) => value.split(',').map((broker) => broker.trim()))
  .refine((brokers) => brokers.every((broker) => /^[A-Za-z0-9._-]+:\d{1,5}$/.test(broker)), {
    message: 'expected a comma-separated list of host:port',
  });

const postgresUrl = z
  .string()
  .trim()
  .refine(
    (value) => {
      try {
        const url = new URL(value);
        return (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && url.pathname.length > 1;
      } catch {
        return false;
      }
    },
    { message: 'expected postgres://user[:password]@host[:port]/database' },
  );

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const optionalSecret = z
  .string()
  .optional()
  .transform((value) => (value === '' ? undefined : value));

/** /healthz, /readyz and /metrics of each long-running process, unless HTTP_PORT says otherwise. */
export const DEFAULT_OPS_PORTS = { processor: 9464, projector: 9465, api: 9466, notifier: 9467 } as const;

const environment = z.object({
  KAFKA_BROKERS: brokerList.default(['127.0.0.1:9092']),
  KAFKA_CLIENT_ID: z.string().min(1).default('twinstream'),
  KAFKA_SECURITY_PROTOCOL: z.enum(['plaintext', 'ssl', 'sasl_plaintext', 'sasl_ssl']).default('plaintext'),
  KAFKA_SASL_MECHANISM: z.enum(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512']).optional(),
  KAFKA_SASL_USERNAME: optionalSecret,
  KAFKA_SASL_PASSWORD: optionalSecret,
  KAFKA_SSL_CA_LOCATION: optionalSecret,
  TOPIC_READINGS: z.string().min(1).default('sensor.readings'),
  TOPIC_TWIN_EVENTS: z.string().min(1).default('twin.events'),
  TOPIC_DEAD_LETTER: z.string().min(1).default('sensor.readings.dlq'),
  TOPIC_PARTITIONS: positiveInt.default(6),
  TWIN_DATABASE_URL: postgresUrl.default(embeddedUrl('twin')),
  ANALYTICS_DATABASE_URL: postgresUrl.default(embeddedUrl('analytics')),
  DATABASE_POOL_SIZE: positiveInt.default(10),
  HTTP_HOST: z.string().min(1).default('0.0.0.0'),
  // Each long-running process has its own default ops port, so several can run on one host; HTTP_PORT
  // (or NOTIFIER_HTTP_PORT for the notifier) sets it for whichever process reads it.
  HTTP_PORT: port.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PROCESSOR_GROUP_ID: z.string().min(1).default('twin-processor'),
  PROCESSOR_BATCH_SIZE: positiveInt.max(200_000).default(50_000),
  PROCESSOR_CONCURRENCY: positiveInt.max(64).default(3),
  SNAPSHOT_EVERY_READINGS: positiveInt.default(200_000),
  SNAPSHOT_EVERY_MS: positiveInt.default(30_000),
  MAX_MESSAGE_BYTES: positiveInt.default(64 * 1024),
  MAX_FUTURE_SKEW_MS: positiveInt.default(60_000),
  LATE_GRACE_MS: positiveInt.default(30_000),
  // docs/time.md: the arrival clock, loss of signal and clock skew.
  BACKLOG_HORIZON_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(7 * 24 * 3_600_000),
  CLOCK_TICK_MS: positiveInt.max(60_000).default(2_000),
  PARTITION_SILENT_AFTER_MS: z.coerce.number().int().min(0).default(300_000),
  CLOCK_SKEW_BEHIND_MS: positiveInt.default(300_000),
  CLOCK_SKEW_CONFIRM_MS: positiveInt.default(300_000),
  TWIN_PUBLISH_INTERVAL_MS: z.coerce.number().int().min(0).default(5_000),
  CONFIG_REFRESH_MS: positiveInt.default(5_000),
  PROJECTOR_GROUP_ID: z.string().min(1).default('twin-projector'),
  PROJECTOR_BATCH_SIZE: positiveInt.max(200_000).default(50_000),
  PROJECTOR_WINDOW_FETCH_WAIT_MS: positiveInt.max(10_000).default(1_000),
  METRICS_WINDOW_MS: positiveInt
    .refine((ms) => 3_600_000 % ms === 0, { message: 'must divide one hour (3600000 ms)' })
    .default(60_000),
  // Availability is time-based: a reading's status holds until the machine's next reading, at most this long.
  METRICS_MAX_READING_GAP_MS: positiveInt.max(3_600_000).default(30_000),
  ALERT_AUTO_RESOLVE: z
    .string()
    .trim()
    .default('none')
    .transform((value) =>
      value
        .split(',')
        .map((entry) => entry.trim())
        .filter((entry) => entry !== ''),
    )
    .refine((entries) => entries.every((entry) => /^[A-Za-z0-9_]+$/.test(entry)), {
      message: "expected 'all', 'none' or a comma-separated list of alert types",
    }),
  ALERT_FLAP_THRESHOLD: positiveInt.default(3),
  ALERT_FLAP_WINDOW_MS: positiveInt.default(10 * 60_000),
  ALERT_UNSHELVE_EVERY_MS: positiveInt.default(5_000),
  API_HOST: z.string().min(1).default('0.0.0.0'),
  API_PORT: port.default(8080),
  // `twin notifier`: the routes file (JSON, validated at start), how often alerts are looked at, how long a
  // claimed send is leased before another replica may retry it, and its ops port (before HTTP_PORT).
  NOTIFY_ROUTES_FILE: z.string().trim().optional(),
  NOTIFIER_POLL_MS: positiveInt.default(1_000),
  NOTIFIER_LEASE_MS: positiveInt.default(60_000),
  NOTIFIER_CONCURRENCY: positiveInt.max(256).default(16),
  NOTIFIER_HTTP_PORT: port.optional(),
  // `twin train`: a new model goes live only if its held-out accuracy (share of held-out readings it keeps
  // quiet on) is at least this; otherwise it is stored INACTIVE (`--min-accuracy` overrides, `--force` skips).
  ML_MIN_ACCURACY: z.coerce.number().min(0).max(1).default(0.85),
  // One-shot jobs (report, train, retention) push their metrics here when set (a Prometheus Pushgateway).
  PUSHGATEWAY_URL: z
    .string()
    .trim()
    .refine((value) => /^https?:\/\/[^\s/]+/.test(value), { message: 'expected an http(s) URL' })
    .optional(),
  STARTUP_TIMEOUT_MS: positiveInt.default(10_000),
  SHUTDOWN_TIMEOUT_MS: positiveInt.default(20_000),
  // `twin retention`: RETENTION_BATCH_SIZE, RETENTION_<TABLE> (period) and RETENTION_<TABLE>_MODE.
  ...retentionEnvironment,
});

export type Environment = Record<string, string | undefined>;

export interface Config {
  readonly kafka: {
    readonly brokers: readonly string[];
    readonly clientId: string;
    readonly securityProtocol: 'plaintext' | 'ssl' | 'sasl_plaintext' | 'sasl_ssl';
    readonly sasl?: { readonly mechanism: string; readonly username: string; readonly password: string };
    readonly sslCaLocation?: string;
  };
  readonly topics: {
    readonly readings: string;
    readonly twinEvents: string;
    readonly deadLetter: string;
    readonly partitions: number;
  };
  readonly databases: {
    readonly twinUrl: string;
    readonly analyticsUrl: string;
    readonly poolSize: number;
    /** Neither URL was set: the defaults point at the local stack's embedded PostgreSQL. */
    readonly embedded: boolean;
  };
  readonly http: {
    readonly host: string;
    /** The ops port of each long-running process. */
    readonly ports: { readonly [P in keyof typeof DEFAULT_OPS_PORTS]: number };
  };
  readonly processor: {
    readonly groupId: string;
    /** Messages per consumed batch (the client's default is 32). */
    readonly batchSize: number;
    /** Partitions processed at once by one member. */
    readonly concurrency: number;
    readonly snapshotEveryReadings: number;
    readonly snapshotEveryMs: number;
    /** Larger readings are dead-lettered as `oversize` before parsing. */
    readonly maxMessageBytes: number;
    /** Same as arrival.maxAheadMs (kept for the decoders' callers). */
    readonly maxFutureSkewMs: number;
    /** How far behind a machine's latest event time a reading may arrive and still be applied. */
    readonly lateGraceMs: number;
    /** A machine's twin is published (TWIN_UPDATED) at most once per this much of its event time; 0: every batch. */
    readonly twinPublishIntervalMs: number;
    /** How often machine_configurations is re-read for changes. */
    readonly configRefreshMs: number;
    /** An owned partition quiet for this long (wall clock) gets a clock tick. */
    readonly clockTickMs: number;
    /** PARTITION_SILENT when no reading reached a partition for this long (arrival clock); 0: off. */
    readonly partitionSilentAfterMs: number;
    /** CLOCK_SKEW behind: readings this far behind their arrival, at live pace, for clockSkewConfirmMs. */
    readonly clockSkewBehindMs: number;
    readonly clockSkewConfirmMs: number;
  };
  /** The arrival clock's rules, shared by the processor and the projector (docs/time.md). */
  readonly arrival: {
    /** A reading stamped further ahead of its arrival is re-timed to it and its machine flagged CLOCK_SKEW. */
    readonly maxAheadMs: number;
    /** How far behind its machine's latest event time a reading may arrive and still be applied. */
    readonly lateGraceMs: number;
    /** Readings older than this on the arrival clock are late; 0: no horizon. */
    readonly backlogHorizonMs: number;
  };
  readonly projector: {
    readonly groupId: string;
    readonly batchSize: number;
    /** Base window of performance_metrics (divides one hour, so hourly and daily roll-ups are exact). */
    readonly windowMs: number;
    /**
     * How long after its end, on the readings partitions' arrival clock (projector_checkpoints.stream_time), a
     * window may still change: the backlog horizon, since a backlog is applied up to it (0: no horizon, so no
     * bound; retention then goes by its periods alone).
     */
    readonly windowGraceMs: number;
    /** The longest a reading's status is taken to hold: a longer gap between readings is unknown time. */
    readonly maxReadingGapMs: number;
    /** How long the broker may hold a readings fetch to fill it (fewer, fuller window batches). */
    readonly windowFetchWaitMs: number;
  };
  readonly alerting: {
    /** Alert types that resolve by themselves when their anomaly clears ('all' for every type). */
    readonly autoResolve: readonly string[] | 'all';
    /** More opens than this within flapWindowMs mark the alert as flapping (reopened, not re-raised). */
    readonly flapThreshold: number;
    readonly flapWindowMs: number;
    /** How often shelved alerts whose time is up are returned. */
    readonly unshelveEveryMs: number;
  };
  readonly api: { readonly host: string; readonly port: number };
  readonly notifier: {
    /** NOTIFY_ROUTES_FILE; `twin notifier` refuses to start without it. */
    readonly routesFile: string | undefined;
    readonly pollMs: number;
    /** A claimed send not recorded within this is retried (same idempotency key) by any replica. */
    readonly leaseMs: number;
    /** Sends in flight at once per replica. */
    readonly concurrency: number;
  };
  /** `twin retention`: per-table periods and modes (see processors/retention/README.md). */
  readonly retention: RetentionConfig;
  /** `twin train`. */
  readonly train: {
    /** ML_MIN_ACCURACY: the activation gate on the held-out accuracy, 0..1. */
    readonly minAccuracy: number;
  };
  /** PUSHGATEWAY_URL: where one-shot jobs push their metrics at the end of a run; undefined: no push. */
  readonly pushgatewayUrl: string | undefined;
  readonly logLevel: string;
  readonly startupTimeoutMs: number;
  readonly shutdownTimeoutMs: number;
}

/** A configuration problem: the process reports `message` on one line and exits non-zero. */
export class ConfigError extends errorWithCode('ConfigError', 'CONFIG_INVALID') {}

export function loadConfig(env: Environment = process.env): Config {
  // Empty strings mean "not set", as in most container runtimes' env handling.
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  if (present.METRICS_GRACE_MS !== undefined) {
    throw new ConfigError(
      'invalid configuration: METRICS_GRACE_MS is gone: performance windows judge lateness per machine as the processor does, with LATE_GRACE_MS and BACKLOG_HORIZON_MS (docs/time.md); unset it',
    );
  }
  const parsed = environment.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  const saslWanted = e.KAFKA_SECURITY_PROTOCOL.startsWith('sasl');
  if (saslWanted && (!e.KAFKA_SASL_MECHANISM || !e.KAFKA_SASL_USERNAME || !e.KAFKA_SASL_PASSWORD)) {
    throw new ConfigError(
      `invalid configuration: KAFKA_SECURITY_PROTOCOL=${e.KAFKA_SECURITY_PROTOCOL} needs KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD`,
    );
  }
  return deepFreeze({
    kafka: {
      brokers: e.KAFKA_BROKERS,
      clientId: e.KAFKA_CLIENT_ID,
      securityProtocol: e.KAFKA_SECURITY_PROTOCOL,
      ...(saslWanted && {
        sasl: {
          mechanism: e.KAFKA_SASL_MECHANISM ?? 'PLAIN',
          username: e.KAFKA_SASL_USERNAME ?? '',
          password: e.KAFKA_SASL_PASSWORD ?? '',
        },
      }),
      ...(e.KAFKA_SSL_CA_LOCATION !== undefined && { sslCaLocation: e.KAFKA_SSL_CA_LOCATION }),
    },
    topics: {
      readings: e.TOPIC_READINGS,
      twinEvents: e.TOPIC_TWIN_EVENTS,
      deadLetter: e.TOPIC_DEAD_LETTER,
      partitions: e.TOPIC_PARTITIONS,
    },
    databases: {
      twinUrl: e.TWIN_DATABASE_URL,
      analyticsUrl: e.ANALYTICS_DATABASE_URL,
      poolSize: e.DATABASE_POOL_SIZE,
      embedded: present.TWIN_DATABASE_URL === undefined && present.ANALYTICS_DATABASE_URL === undefined,
    },
    http: {
      host: e.HTTP_HOST,
      ports: {
        processor: e.HTTP_PORT ?? DEFAULT_OPS_PORTS.processor,
        projector: e.HTTP_PORT ?? DEFAULT_OPS_PORTS.projector,
        api: e.HTTP_PORT ?? DEFAULT_OPS_PORTS.api,
        notifier: e.NOTIFIER_HTTP_PORT ?? e.HTTP_PORT ?? DEFAULT_OPS_PORTS.notifier,
      },
    },
    processor: {
      groupId: e.PROCESSOR_GROUP_ID,
      batchSize: e.PROCESSOR_BATCH_SIZE,
      concurrency: e.PROCESSOR_CONCURRENCY,
      snapshotEveryReadings: e.SNAPSHOT_EVERY_READINGS,
      snapshotEveryMs: e.SNAPSHOT_EVERY_MS,
      maxMessageBytes: e.MAX_MESSAGE_BYTES,
      maxFutureSkewMs: e.MAX_FUTURE_SKEW_MS,
      lateGraceMs: e.LATE_GRACE_MS,
      twinPublishIntervalMs: e.TWIN_PUBLISH_INTERVAL_MS,
      configRefreshMs: e.CONFIG_REFRESH_MS,
      clockTickMs: e.CLOCK_TICK_MS,
      partitionSilentAfterMs: e.PARTITION_SILENT_AFTER_MS,
      clockSkewBehindMs: e.CLOCK_SKEW_BEHIND_MS,
      clockSkewConfirmMs: e.CLOCK_SKEW_CONFIRM_MS,
    },
    /** The one lateness rule and the ahead allowance, shared by the processor and the projector. */
    arrival: {
      maxAheadMs: e.MAX_FUTURE_SKEW_MS,
      lateGraceMs: e.LATE_GRACE_MS,
      backlogHorizonMs: e.BACKLOG_HORIZON_MS,
    },
    projector: {
      groupId: e.PROJECTOR_GROUP_ID,
      batchSize: e.PROJECTOR_BATCH_SIZE,
      windowMs: e.METRICS_WINDOW_MS,
      windowGraceMs: e.BACKLOG_HORIZON_MS,
      maxReadingGapMs: e.METRICS_MAX_READING_GAP_MS,
      windowFetchWaitMs: e.PROJECTOR_WINDOW_FETCH_WAIT_MS,
    },
    alerting: {
      autoResolve: autoResolveOf(e.ALERT_AUTO_RESOLVE),
      flapThreshold: e.ALERT_FLAP_THRESHOLD,
      flapWindowMs: e.ALERT_FLAP_WINDOW_MS,
      unshelveEveryMs: e.ALERT_UNSHELVE_EVERY_MS,
    },
    api: { host: e.API_HOST, port: e.API_PORT },
    notifier: {
      routesFile: e.NOTIFY_ROUTES_FILE,
      pollMs: e.NOTIFIER_POLL_MS,
      leaseMs: e.NOTIFIER_LEASE_MS,
      concurrency: e.NOTIFIER_CONCURRENCY,
    },
    retention: retentionConfigOf(e),
    train: { minAccuracy: e.ML_MIN_ACCURACY },
    pushgatewayUrl: e.PUSHGATEWAY_URL,
    logLevel: e.LOG_LEVEL,
    startupTimeoutMs: e.STARTUP_TIMEOUT_MS,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
  });
}

function autoResolveOf(entries: readonly string[]): readonly string[] | 'all' {
  if (entries.length === 1 && entries[0]!.toLowerCase() === 'all') return 'all';
  if (entries.length === 1 && entries[0]!.toLowerCase() === 'none') return [];
  return entries;
}

function deepFreeze<T extends object>(value: T): T {
  for (const child of Object.values(value)) {
    if (child !== null && typeof child === 'object') deepFreeze(child as object);
  }
  return Object.freeze(value);
}
