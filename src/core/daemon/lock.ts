import { linkSync, readdirSync, unlinkSync } from 'node:fs'
import { connect, createServer, type Server } from 'node:net'
import { join } from 'node:path'
import { OrchError } from '../errors/orch-error.js'
import { ErrorCode } from '../errors/codes.js'
import type { OrchPaths } from '../paths.js'

export interface DaemonLock {
  release(): void
  /** the `lock.<n>` this daemon holds: a daemon started later holds a greater one */
  generation: number
}

/** Lock generations are `lock.<n>` in ORCH_HOME; kept short so they fit where orch.sock fits. */
const GENERATION_PREFIX = 'lock.'
/** Contenders that keep finding a newer dead generation give up after this many rounds. */
const MAX_ROUNDS = 50

/**
 * The single-daemon guard: a listening Unix socket inside the 0700 ORCH_HOME,
 * so no other user can connect to it or bind it first (the abstract-namespace
 * socket it replaces had no file modes). Node has no flock, so:
 *
 * - The holder listens on a private temporary socket, then hard-links it to
 *   `lock.<n+1>`, where `lock.<n>` is the newest generation and nothing
 *   listens on it (connect is refused: its daemon died or stopped). `link`
 *   is atomic and only ever names a socket that already listens, so of two
 *   racing starters exactly one creates `lock.<n+1>`, and a live holder is
 *   never mistaken for a dead one.
 * - A generation file is never removed by its holder, only by the winner of
 *   a newer one, so the newest generation only grows. A starter working from
 *   an outdated listing may link an older, already-removed number; it then
 *   sees a newer generation and yields. Only the holder of the newest
 *   generation wins.
 * - The kernel closes the socket of a killed daemon: its generation is then
 *   refused and the next start takes over. No pid, no start time, no stale
 *   lock that blocks.
 */
export async function acquireLock(paths: OrchPaths): Promise<DaemonLock | null> {
  const temp = join(paths.home, `.lk${process.pid.toString(36)}`)
  const server = await listenExclusive(temp)
  try {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const top = newestGeneration(paths.home)
      if (top > 0 && (await listening(generationPath(paths.home, top)))) return close(server)
      const mine = top + 1
      const mineFile = generationPath(paths.home, mine)
      try {
        linkSync(temp, mineFile)
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue
        throw err
      }
      const newest = newestGeneration(paths.home)
      if (newest > mine) {
        // our listing was outdated: a newer generation exists; wait our turn behind it
        unlinkQuiet(mineFile)
        if (await listening(generationPath(paths.home, newest))) return close(server)
        continue
      }
      for (const n of generations(paths.home)) if (n < mine) unlinkQuiet(generationPath(paths.home, n))
      // A daemon of an older orch (abstract-namespace lock) may still answer on the socket.
      if (await listening(paths.socket)) return close(server)
      return { release: () => server.close(), generation: mine }
    }
    throw new OrchError(ErrorCode.INTERNAL, `could not take the daemon lock in ${paths.home} after ${MAX_ROUNDS} rounds of contention`)
  } catch (err) {
    close(server)
    throw err
  } finally {
    unlinkQuiet(temp)
  }
}

function close(server: Server): null {
  server.close()
  return null
}

function generationPath(home: string, n: number): string {
  return join(home, `${GENERATION_PREFIX}${n}`)
}

function generations(home: string): number[] {
  return readdirSync(home)
    .filter((f) => f.startsWith(GENERATION_PREFIX) && /^\d+$/.test(f.slice(GENERATION_PREFIX.length)))
    .map((f) => Number(f.slice(GENERATION_PREFIX.length)))
}

function newestGeneration(home: string): number {
  return Math.max(0, ...generations(home))
}

function unlinkQuiet(file: string): void {
  try {
    unlinkSync(file)
  } catch {}
}

/** Binds our private temporary socket (a leftover of a killed process with our pid is ours to replace). */
function listenExclusive(path: string): Promise<Server> {
  unlinkQuiet(path)
  return new Promise((resolve, reject) => {
    const server = createServer()
    // Nobody needs to talk to the lock: contenders only check that it listens.
    server.on('connection', (socket) => socket.destroy())
    server.once('error', reject)
    server.listen(path, () => {
      server.off('error', reject)
      server.on('error', () => {})
      server.unref()
      resolve(server)
    })
  })
}

/**
 * Whether something listens on a socket path. Refused or missing means no;
 * anything else (EAGAIN on a full backlog, a timeout) counts as yes, so a busy
 * holder is never taken over.
 */
function listening(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path)
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', (err: NodeJS.ErrnoException) => {
      socket.destroy()
      resolve(err.code !== 'ECONNREFUSED' && err.code !== 'ENOENT')
    })
  })
}
