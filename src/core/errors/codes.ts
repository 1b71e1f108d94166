/** Stable error codes. Add new ones at the end; never rename or reuse one. */
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
} as const
export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode]
