import * as v from 'valibot'
import { bool, duration, int, num, oneOf, signal, size, str, stringMap, strings } from '../schema/fields.js'
import { about, looseObjectOf, objectOf } from '../schema/object-of.js'
import { describeMs, MIN_LEASE_MS, thousands } from '../schema/units.js'
import * as D from './defaults.js'
import { DEFAULT_DURABILITY, DURABILITY_VALUES } from './durability.js'
import { DEFAULT_HISTORY_MAX_AGE_MS, DEFAULT_HISTORY_MAX_EVENTS } from '../history/history-bound.js'
import type { SignalName } from './signal-name.js'

/**
 * The config as one Valibot schema: validate.ts checks with it, types.ts
 * derives AgentDefinition and OrchConfig from it, and schema.json (editor
 * completion for .json and .yaml configs) is generated from it. The texts
 * given to `about` are what an editor shows on hover.
 */

export const AGENT_NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/
export const AGENT_NAME_ALLOWED = "a name of 1 to 64 letters, digits, '_' or '-'"

/** The most instances one agent may have. */
export const MAX_INSTANCES = 256

const optional = <S extends v.GenericSchema>(schema: S, text: string) => v.optional(about(schema, text))
const mb = (bytes: number) => `${bytes / 1024 / 1024}M`

/** Fields every agent accepts, whatever its type. Type options come from the type's plugin. */
export const COMMON_AGENT_ENTRIES = {
  name: about(str({ pattern: AGENT_NAME_PATTERN, allowed: AGENT_NAME_ALLOWED }), 'Unique name: 1 to 64 letters, digits, _ or -'),
  type: optional(str({ nonEmpty: true }), "Agent type from a plugin: 'node' when `script` is given, 'process' when `command` is; also 'external'"),
  script: optional(str({ nonEmpty: true }), 'The .js or .ts script a node agent runs, relative to `cwd`'),
  command: optional(str({ nonEmpty: true }), "The program a process agent runs, e.g. 'python3'"),
  args: optional(strings(), 'Arguments after the script or the command'),
  cwd: optional(str({ nonEmpty: true }), "Working directory, relative to the config's folder (default: the config's folder)"),
  env: optional(stringMap(), "Environment variables, on top of the daemon's"),
  instances: optional(int({ min: 1, max: MAX_INSTANCES }), 'Copies to run, ids name:0 … name:N-1 (default 1)'),
  autorestart: optional(oneOf([true, false, 'on-failure']), "Restart after an exit: true (default), false, or 'on-failure' (not after exit code 0)"),
  maxRestarts: optional(int({ min: 0 }), `Restarts allowed within restartWindow; past them the agent goes to errored (default ${D.DEFAULT_MAX_RESTARTS})`),
  restartWindow: optional(duration(), `The sliding window maxRestarts counts in (default '${describeMs(D.DEFAULT_RESTART_WINDOW_MS)}')`),
  backoff: optional(
    objectOf({
      initial: optional(duration(), `First delay before a restart (default '${describeMs(D.DEFAULT_BACKOFF_INITIAL_MS)}')`),
      max: optional(duration(), `Longest delay (default '${describeMs(D.DEFAULT_BACKOFF_MAX_MS)}')`),
      factor: optional(num({ min: 1 }), `Growth of the delay at each failure (default ${D.DEFAULT_BACKOFF_FACTOR})`),
    }),
    'Exponential delay before each restart; starts over once the agent stayed up',
  ),
  startGrace: optional(duration(), `Up this long counts as online (default '${describeMs(D.DEFAULT_START_GRACE_MS)}'), or at once on ready()`),
  readyTimeout: optional(duration(), 'When set, the agent must call ready() within it or it is restarted'),
  killTimeout: optional(duration(), `Stop: SIGKILL after this long (default '${describeMs(D.DEFAULT_KILL_TIMEOUT_MS)}')`),
  // a name kill(2) does not know used to pass and read as "process gone" at every stop, leaving copies running
  killSignal: optional(signal() as unknown as v.GenericSchema<SignalName>, `Stop: the signal sent to the process group (default '${D.DEFAULT_KILL_SIGNAL}')`),
  maxMemory: optional(size(), "Restart when the RSS stays above it, e.g. '300M'"),
  watch: optional(
    v.message(v.union([bool(), strings()]), 'true, false or an array of paths'),
    "Restart when a file changes: true watches the agent's folder (cwd), or list the paths to watch (relative to cwd)",
  ),
  ignoreWatch: optional(
    v.message(v.array(str({ nonEmpty: true })), "an array of non-empty paths or globs such as '*.log'"),
    "Not watched: paths relative to cwd, or globs ('*.log', 'tmp/**', '**/*.tmp'); node_modules, .git and ORCH_HOME never are",
  ),
  dependsOn: optional(strings(), 'Start after these agents are online, stop before them'),
  logMaxSize: optional(size(), `Rotate each log file past this size (default '${mb(D.DEFAULT_LOG_MAX_BYTES)}')`),
  logRetain: optional(int({ min: 0, max: 100 }), `Rotated copies kept (default ${D.DEFAULT_LOG_RETAIN})`),
  concurrency: optional(int({ min: 1, max: 10_000 }), `Messages one instance handles at once (default ${D.DEFAULT_CONCURRENCY})`),
  leaseTimeout: optional(
    duration({ min: MIN_LEASE_MS }),
    `How long a delivered message stays leased without an ack or a renewal (default '${describeMs(D.DEFAULT_LEASE_TIMEOUT_MS)}'); the SDK renews it while the handler runs`,
  ),
}

/** An agent definition: the common fields, and its type's options (checked against the type's plugin). */
export const AGENT_SCHEMA = looseObjectOf(COMMON_AGENT_ENTRIES, "an object such as { name: 'worker', script: './worker.js' }")

/** The daemon-wide queue settings (top-level `queue`). */
export const QUEUE_ENTRIES = {
  durability: optional(
    oneOf(DURABILITY_VALUES),
    `'${DEFAULT_DURABILITY}' (default): an answered send survives a kill -9 of the daemon; 'fsync': it survives a power cut too (each write is fsynced; slower)`,
  ),
}

/** OpenTelemetry: every message as a span, exported over OTLP/HTTP (top-level `otlp`). */
export const OTLP_ENTRIES = {
  endpoint: about(
    str({ pattern: /^https?:\/\/[^\s/]+/, allowed: "an http:// or https:// URL such as 'http://127.0.0.1:4318'" }),
    "The OTLP/HTTP endpoint, e.g. 'http://127.0.0.1:4318' (spans go to its /v1/traces); Langfuse: 'https://cloud.langfuse.com/api/public/otel'",
  ),
  headers: optional(stringMap(), "HTTP headers sent with each export, e.g. { Authorization: 'Basic …' } for Langfuse"),
  enabled: optional(bool(), 'false: stop exporting (remembered like the endpoint); default true'),
}

/** Where the daemon serves Prometheus metrics (top-level `metrics`). */
export const METRICS_ENTRIES = {
  port: optional(int({ min: 0, max: 65535 }), `TCP port of the /metrics endpoint (default ${D.DEFAULT_METRICS_PORT}; 0 picks a free one, shown by 'orch monit --json')`),
  host: optional(
    str({ pattern: /^[A-Za-z0-9.:_\[\]-]+$/, allowed: "a host name or an IP address such as '127.0.0.1', '0.0.0.0' or '::1'" }),
    `Address to listen on (default '${D.DEFAULT_METRICS_HOST}', this machine only; another one is logged as a warning)`,
  ),
  enabled: optional(bool(), 'false stops serving /metrics (default true when `metrics` is given)'),
}

/** Where `orch dashboard` serves the web dashboard (top-level `dashboard`); the config does not start it. */
export const DASHBOARD_ENTRIES = {
  port: optional(int({ min: 0, max: 65535 }), `TCP port of the dashboard (default ${D.DEFAULT_DASHBOARD_PORT}; 0 picks a free one; \`orch dashboard --port\` overrides it)`),
  host: optional(
    str({ pattern: /^[A-Za-z0-9.:_\[\]-]+$/, allowed: "a host name or an IP address such as '127.0.0.1' or '::1'" }),
    `Address to listen on (default '${D.DEFAULT_DASHBOARD_HOST}', this machine only; another one is warned about: whoever reaches it with the link can stop agents)`,
  ),
}

/** The message history's bound (top-level `history`): whichever limit is reached first. */
export const HISTORY_ENTRIES = {
  enabled: optional(bool(), 'Record the lifecycle of every message for `orch trace` and `orch queue history` (default true)'),
  maxEvents: optional(int({ min: 1, max: 1_000_000 }), `Events kept, at most 1,000,000 (orch trace reads them all): older ones are not read, and go with data/history.log.1, which holds up to as many more (default ${thousands(DEFAULT_HISTORY_MAX_EVENTS)})`),
  maxAge: optional(duration({ min: 1_000 }), `Events older than this are not read, and leave the disk with data/history.log.1 (default '${DEFAULT_HISTORY_MAX_AGE_MS / 3_600_000}h', 7 days)`),
}

export const CONFIG_ENTRIES = {
  plugins: optional(strings(), 'Plugin modules: paths relative to the config file, or package names'),
  agents: about(v.message(v.array(AGENT_SCHEMA), 'an array of agent definitions'), 'The agents orch starts and keeps running'),
  // sampling every agent with no pause costs a core; a floor keeps the daemon idle when the team is
  monitorInterval: optional(duration({ min: D.MIN_MONITOR_INTERVAL_MS }), `How often CPU and memory are sampled (default '${describeMs(D.DEFAULT_MONITOR_INTERVAL_MS)}')`),
  queue: optional(objectOf(QUEUE_ENTRIES), 'Daemon-wide queue settings'),
  otlp: optional(objectOf(OTLP_ENTRIES), 'Export every message as an OpenTelemetry span over OTLP/HTTP (Jaeger, Tempo, Langfuse); remembered for the next daemon start'),
  metrics: optional(
    objectOf(METRICS_ENTRIES),
    `Serve Prometheus metrics at http://host:port/metrics, e.g. { port: ${D.DEFAULT_METRICS_PORT} }; remembered by the daemon until a config changes it (ORCH_METRICS overrides it at daemon start)`,
  ),
  dashboard: optional(
    objectOf(DASHBOARD_ENTRIES),
    `Where \`orch dashboard\` serves the web dashboard, e.g. { port: ${D.DEFAULT_DASHBOARD_PORT} }; remembered by the daemon; nothing is served until \`orch dashboard\` asks`,
  ),
  history: optional(
    objectOf(HISTORY_ENTRIES),
    'The message history (data/history.log and history.log.1) behind `orch trace`: kept across daemon restarts, bounded; a config that sets it sets all of it (unset fields take their defaults)',
  ),
  /** JSON and YAML configs name their JSON Schema here for editor completion; orch itself ignores it. */
  $schema: optional(str(), "This file's JSON Schema, for editor completion: './node_modules/orch/schema.json'"),
}

export const CONFIG_SCHEMA = objectOf(CONFIG_ENTRIES, 'an object with agents')
