import { chmodSync, lstatSync, mkdirSync, readdirSync, statSync, type Stats } from 'node:fs'
import { join } from 'node:path'
import { HomeNotOwnedError } from '../errors/home-not-owned-error.js'
import { SocketPathTooLongError } from '../errors/socket-path-too-long-error.js'
import type { OrchPaths } from '../paths.js'

/** Longest Unix socket path Linux accepts (sun_path is 108 bytes, with its NUL). */
export const MAX_SOCKET_PATH = 107

/**
 * Creates ORCH_HOME and its folders with mode 0700. An existing ORCH_HOME
 * open to others is tightened to 0700: the socket inside controls every agent.
 * One that belongs to another user is refused (see checkHomeOwned).
 */
export function prepareHome(paths: OrchPaths): { fixedMode: number | null } {
  if (Buffer.byteLength(paths.socket) > MAX_SOCKET_PATH) {
    throw new SocketPathTooLongError(
      `socket path ${paths.socket} is ${Buffer.byteLength(paths.socket)} bytes, over the ${MAX_SOCKET_PATH} a Unix socket allows; set ORCH_HOME to a shorter path`,
    )
  }
  mkdirSync(paths.home, { recursive: true, mode: 0o700 })
  checkHomeOwned(paths)
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

function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path)
  } catch {
    return null
  }
}

/**
 * Refuses an ORCH_HOME, or anything in it, that belongs to another user.
 * Whoever owns the home (or a file in it) can plant a desired.json that
 * `orch resurrect` would run as us, or a socket that impersonates our daemon,
 * so chmod is not enough: we do not touch it and say what to do. Checks the
 * home, its entries and those of logs/ and data/ (one level: that is all orch
 * writes) when `deep`; otherwise only the home and its socket, which is
 * what a client about to connect needs (and cheap enough for every command).
 * A home that does not exist yet is fine.
 */
export function checkHomeOwned(paths: OrchPaths, opts: { deep: boolean } = { deep: true }): void {
  const uid = process.getuid?.()
  if (uid === undefined) return
  const link = lstatOrNull(paths.home)
  if (!link) return
  // A symlink as ORCH_HOME is fine when we (or root) made it; its target is checked below.
  if (link.isSymbolicLink() && link.uid !== uid && link.uid !== 0) refuse(paths.home, link.uid, uid, 'is a symlink')
  const home = statSync(paths.home)
  if (home.uid !== uid) refuse(paths.home, home.uid, uid, 'is')
  if (!opts.deep) {
    const socket = lstatOrNull(paths.socket)
    if (socket && socket.uid !== uid) refuse(paths.socket, socket.uid, uid, 'is')
    return
  }
  for (const dir of [paths.home, paths.logsDir, paths.dataDir]) {
    let names: string[]
    try {
      names = readdirSync(dir)
    } catch {
      continue
    }
    for (const name of names) {
      const st = lstatOrNull(join(dir, name))
      if (st && st.uid !== uid) refuse(join(dir, name), st.uid, uid, 'is')
    }
  }
}

function refuse(path: string, owner: number, uid: number, what: string): never {
  throw new HomeNotOwnedError(
    `${path} ${what} owned by uid ${owner}, not by you (uid ${uid}); orch will not use an ORCH_HOME another user can change. ` +
      `Set ORCH_HOME to a directory of your own (default ~/.orch), or remove ${path} if you trust it.`,
    { path, owner, uid },
  )
}
