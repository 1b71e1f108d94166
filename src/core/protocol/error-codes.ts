/**
 * Every stable error code orch puts on the wire or on an error it throws, in
 * one table: the daemon's, the queue's and the agent SDK's own. Add new ones
 * at the end; never rename, reuse or renumber one.
 */
export const ErrorCode = {
  CONFIG_INVALID: 'E_CONFIG_INVALID',
  CONFIG_NOT_FOUND: 'E_CONFIG_NOT_FOUND',
  UNKNOWN_AGENT: 'E_UNKNOWN_AGENT',
  PROTOCOL: 'E_PROTOCOL',
  BAD_PARAMS: 'E_BAD_PARAMS',
  UNKNOWN_METHOD: 'E_UNKNOWN_METHOD',
  FRAME_TOO_LARGE: 'E_FRAME_TOO_LARGE',
  VERSION_MISMATCH: 'E_VERSION_MISMATCH',
  DAEMON_UNREACHABLE: 'E_DAEMON_UNREACHABLE',
  DAEMON_START_FAILED: 'E_DAEMON_START_FAILED',
  SOCKET_PATH_TOO_LONG: 'E_SOCKET_PATH_TOO_LONG',
  PLUGIN: 'E_PLUGIN',
  STOP_FAILED: 'E_STOP_FAILED',
  INTERNAL: 'E_INTERNAL',
  NOT_AN_AGENT: 'E_NOT_AN_AGENT',
  TIMEOUT: 'E_TIMEOUT',
  AGENT_REFUSED: 'E_AGENT_REFUSED',
  /** a persisted file of an unknown format version or a wrong shape */
  FILE_FORMAT: 'E_FILE_FORMAT',
  /** ORCH_HOME (or a file in it) belongs to another user */
  HOME_NOT_OWNED: 'E_HOME_NOT_OWNED',
  /** the daemon refuses a connection or a request for lack of room (connection cap, backpressure) */
  BUSY: 'E_BUSY',
  /** a send (or subscription) refused before anything was stored */
  INVALID_MESSAGE: 'E_INVALID_MESSAGE',
  UNKNOWN_RECIPIENT: 'E_UNKNOWN_RECIPIENT',
  NOT_LEASED: 'E_NOT_LEASED',
  QUEUE_CLOSED: 'E_QUEUE_CLOSED',
  /** the store could not write (disk full, short write): the sends of that write were not stored */
  STORE_FULL: 'E_STORE_FULL',
  /** raised by the agent SDK itself: the agent was closed */
  AGENT_CLOSED: 'E_AGENT_CLOSED',
  /** `queue.replay` of an id (or prefix) that names no dead letter */
  NO_DEAD_LETTER: 'E_NO_DEAD_LETTER',
  /** `queue.replay` of a prefix that names several dead letters */
  AMBIGUOUS_ID: 'E_AMBIGUOUS_ID',
  /** the CLI's own: a missing argument, an unknown flag, a flag value that does not parse */
  USAGE: 'E_USAGE',
  /** the CLI's own: `orch stpo`, no such command */
  UNKNOWN_COMMAND: 'E_UNKNOWN_COMMAND',
  /** the CLI's own: `orch startup --install` would overwrite a different unit file, or `orch unstartup` remove one orch did not write for this home */
  UNIT_CONFLICT: 'E_UNIT_CONFLICT',
  /** the CLI's own: `orch daemon run` while a daemon already runs for this ORCH_HOME */
  DAEMON_RUNNING: 'E_DAEMON_RUNNING',
  /** `agents.reload`: an instance's new process did not come online; its old process keeps running and the reload stopped there */
  RELOAD_FAILED: 'E_RELOAD_FAILED',
  /** `history.trace` of an id that no message nor correlation id in the history has */
  NOT_IN_HISTORY: 'E_NOT_IN_HISTORY',
  /** `dashboard.open`: the dashboard's HTTP server cannot listen (the port is in use, the host is not this machine's) */
  DASHBOARD_UNAVAILABLE: 'E_DASHBOARD_UNAVAILABLE',
} as const
export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode]

/** The codes the queue throws (queue/errors), a view of the table above. */
export const QueueErrorCode = {
  INVALID_MESSAGE: ErrorCode.INVALID_MESSAGE,
  UNKNOWN_RECIPIENT: ErrorCode.UNKNOWN_RECIPIENT,
  NOT_LEASED: ErrorCode.NOT_LEASED,
  QUEUE_CLOSED: ErrorCode.QUEUE_CLOSED,
  STORE_FULL: ErrorCode.STORE_FULL,
  NO_DEAD_LETTER: ErrorCode.NO_DEAD_LETTER,
  AMBIGUOUS_ID: ErrorCode.AMBIGUOUS_ID,
} as const
export type QueueErrorCodeValue = (typeof QueueErrorCode)[keyof typeof QueueErrorCode]

/** The codes the agent SDK raises itself (agent/errors), a view of the table above. */
export const AgentErrorCode = {
  AGENT_CLOSED: ErrorCode.AGENT_CLOSED,
} as const
export type AgentErrorCodeValue = (typeof AgentErrorCode)[keyof typeof AgentErrorCode]

/** The codes the CLI raises itself, before any daemon call (cli/), a view of the table above; they never reach the wire. */
export const CliErrorCode = {
  USAGE: ErrorCode.USAGE,
  UNKNOWN_COMMAND: ErrorCode.UNKNOWN_COMMAND,
  /** not an error orch raised on purpose (a bug, or a system error with no code of ours): the same code as the daemon's */
  INTERNAL: ErrorCode.INTERNAL,
  UNIT_CONFLICT: ErrorCode.UNIT_CONFLICT,
  DAEMON_RUNNING: ErrorCode.DAEMON_RUNNING,
} as const
