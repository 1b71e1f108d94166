import { createHash } from 'node:crypto'
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import type { OrchPaths } from '../paths.js'
import { isSameProcess, procStartTime } from '../supervisor/proc.js'

export interface DaemonLock {
  release(): void
}

/**
 * The single-daemon guard. On Linux it is a socket in the abstract namespace,
 * named after ORCH_HOME: binding it is atomic, and the kernel frees it when the
 * holder dies, so a killed daemon never leaves a stale lock and two racing
 * daemons can never both win. Elsewhere, an exclusive pid file that names a
 * dead process is taken over.
 */
export async function acquireLock(paths: OrchPaths): Promise<DaemonLock | null> {
  if (process.platform === 'linux') return abstractSocketLock(paths.home)
  return pidFileLock(`${paths.pidFile}.lock`)
}

function abstractSocketLock(home: string): Promise<DaemonLock | null> {
  const name = `\0orch-daemon-${createHash('sha256').update(home).digest('hex').slice(0, 32)}`
  return new Promise((resolve, reject) => {
    const server: Server = createServer()
    server.once('error', (err: NodeJS.ErrnoException) => (err.code === 'EADDRINUSE' ? resolve(null) : reject(err)))
    server.listen(name, () => {
      server.unref()
      resolve({ release: () => server.close() })
    })
  })
}

function pidFileLock(file: string): DaemonLock | null {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600)
      writeSync(fd, `${process.pid} ${procStartTime(process.pid) ?? 0}`)
      closeSync(fd)
      return { release: () => unlinkSync(file) }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      const [pid, start] = readFileSync(file, 'utf8').split(' ').map(Number)
      if (pid && (start ? isSameProcess(pid, start) : pidExists(pid))) return null
      try {
        unlinkSync(file)
      } catch {}
    }
  }
  return null
}

/** Without /proc (no start time to compare), a live pid is all we can check. */
function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}
