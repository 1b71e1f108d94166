/** Defaults of the restart policy and of stopping, as in the original proof of concept. */
export const DEFAULT_MAX_RESTARTS = 3
export const DEFAULT_RESTART_WINDOW_MS = 60_000
export const DEFAULT_BACKOFF_INITIAL_MS = 100
export const DEFAULT_BACKOFF_MAX_MS = 15_000
export const DEFAULT_BACKOFF_FACTOR = 2
export const DEFAULT_START_GRACE_MS = 1_000
export const DEFAULT_KILL_TIMEOUT_MS = 5_000
export const DEFAULT_KILL_SIGNAL: NodeJS.Signals = 'SIGTERM'
export const DEFAULT_MONITOR_INTERVAL_MS = 1_000
/** `monitorInterval: 0` kept a core 27-45% busy sampling an idle team; below this it is refused. */
export const MIN_MONITOR_INTERVAL_MS = 100
/** One handler at a time per instance, as BullMQ's workers default to. */
export const DEFAULT_CONCURRENCY = 1
export const DEFAULT_LEASE_TIMEOUT_MS = 30_000
/** An agent's log (and daemon.log) is rotated past this size, keeping this many old copies. */
export const DEFAULT_LOG_MAX_BYTES = 10 * 1024 * 1024
export const DEFAULT_LOG_RETAIN = 3
/** Changes to watched files closer together than this restart an agent once. */
export const WATCH_DEBOUNCE_MS = 300
/** The agent type of a process orch does not spawn but lets join (declared in the config). */
export const EXTERNAL_TYPE = 'external'
/** Where `/metrics` is served when `metrics` gives no port: the port OpenTelemetry's Prometheus exporter uses. */
export const DEFAULT_METRICS_PORT = 9464
/** Loopback by default: the metrics name the agents, and whoever reaches the port can read them. */
export const DEFAULT_METRICS_HOST = '127.0.0.1'

/** Where `orch dashboard` serves when neither its flags nor the config's `dashboard` say: loopback, next to /metrics' 9464. */
export const DEFAULT_DASHBOARD_HOST = '127.0.0.1'
export const DEFAULT_DASHBOARD_PORT = 9465
