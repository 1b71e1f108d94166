/**
 * Codes of the errors the CLI raises itself, before any daemon call. The
 * daemon's, the queue's and the SDK's are in core/protocol/error-codes.ts;
 * these never reach the wire. Add new ones at the end; never rename one.
 */
export const CliErrorCode = {
  /** a missing argument, an unknown flag, a flag value that does not parse */
  USAGE: 'E_USAGE',
  /** `orch stpo`: no such command */
  UNKNOWN_COMMAND: 'E_UNKNOWN_COMMAND',
  /** not an error orch raised on purpose (a bug, or a system error with no code of ours): the same code as the daemon's */
  INTERNAL: 'E_INTERNAL',
  /** `orch startup --install` would overwrite a different unit file, or `orch unstartup` remove one orch did not write for this home */
  UNIT_CONFLICT: 'E_UNIT_CONFLICT',
} as const

/** Exit code of a usage error (as most Unix tools, and oclif's own); every other error exits with 1. */
export const USAGE_EXIT_CODE = 2
