import { chmodSync, mkdirSync, statSync } from 'node:fs'
import { SocketPathTooLongError } from '../errors/socket-path-too-long-error.js'
import type { OrchPaths } from '../paths.js'

/** Longest Unix socket path Linux accepts (sun_path is 108 bytes, with its NUL). */
export const MAX_SOCKET_PATH = 107

/**
 * Creates ORCH_HOME and its folders with mode 0700. An existing ORCH_HOME
 * open to others is tightened to 0700: the socket inside controls every agent.
 */
export function prepareHome(paths: OrchPaths): { fixedMode: number | null } {
  if (Buffer.byteLength(paths.socket) > MAX_SOCKET_PATH) {
    throw new SocketPathTooLongError(
      `socket path ${paths.socket} is ${Buffer.byteLength(paths.socket)} bytes, over the ${MAX_SOCKET_PATH} a Unix socket allows; set ORCH_HOME to a shorter path`,
    )
  }
  mkdirSync(paths.home, { recursive: true, mode: 0o700 })
  let fixedMode: number | null = null
  const mode = statSync(paths.home).mode & 0o777
  if (mode !== 0o700) {
    chmodSync(paths.home, 0o700)
    fixedMode = mode
  }
  mkdirSync(paths.logsDir, { recursive: true, mode: 0o700 })
  mkdirSync(paths.dataDir, { recursive: true, mode: 0o700 })
  return { fixedMode }
}
