import { spawn, type ChildProcess } from 'node:child_process'
import { unlinkSync, writeFileSync } from 'node:fs'
import type { Logger } from '../log/logger.js'
import type { OrchPaths } from '../paths.js'

/** Set in the environment of a daemon that runs in the background (started by the CLI or by its watchdog). */
export const DETACHED_ENV = 'ORCH_DAEMON_DETACHED'
/** The restart delay the watchdog used to start this daemon, so a crash loop backs off. */
const DELAY_ENV = 'ORCH_WATCHDOG_DELAY_MS'

/** A daemon that dies later than this after its start restarts at once (after FIRST_DELAY_MS). */
const YOUNG_S = 10
const FIRST_DELAY_MS = 100
const MAX_DELAY_MS = 30_000

/**
 * The watchdog, as a POSIX shell script of a few lines (about 1 MB of memory,
 * no polling): it blocks reading a pipe whose only writer is the daemon. A
 * clean shutdown writes `stop` first; any other end of the daemon (kill -9,
 * OOM, a crash) closes the pipe, and the watchdog starts a new daemon, which
 * re-adopts the agents and starts a watchdog of its own. A daemon that dies
 * young restarts after a delay that doubles each time, up to 30 s. The lock
 * makes sure that at most one daemon wins, whoever else starts one meanwhile.
 */
const SCRIPT = `
started=$(date +%s)
IFS= read -r line
[ "$line" = stop ] && exit 0
[ -d "$ORCH_HOME" ] || exit 0
if [ $(( $(date +%s) - started )) -lt ${YOUNG_S} ]; then delay_ms=$4; else delay_ms=${FIRST_DELAY_MS}; fi
sleep "$(( delay_ms / 1000 )).$(printf %03d $(( delay_ms % 1000 )))"
rm -f "$5"
${DELAY_ENV}=$delay_ms exec "$1" "$2" </dev/null >>"$3" 2>&1
`

/** Env variables of the watchdog machinery, which agents need not see. */
export const WATCHDOG_ENV = [DETACHED_ENV, DELAY_ENV]

/** The delay before restarting a daemon that dies young: double the one that started this daemon. */
function youngDelayMs(): number {
  const last = Number(process.env[DELAY_ENV])
  return Number.isFinite(last) && last > 0 ? Math.min(MAX_DELAY_MS, last * 2) : FIRST_DELAY_MS
}

/** A daemon in the background keeps a watchdog that restarts it when it dies without saying goodbye. */
export class Watchdog {
  private child: ChildProcess | null = null
  private stopped = false

  private constructor(
    private readonly paths: OrchPaths,
    private readonly mainScript: string,
    private readonly log: Logger,
  ) {}

  /** Starts one for a daemon in the background; none for `orch daemon run`, whose supervisor (systemd) restarts it. */
  static start(paths: OrchPaths, mainScript: string, log: Logger): Watchdog | null {
    if (process.env[DETACHED_ENV] !== '1') return null
    const watchdog = new Watchdog(paths, mainScript, log)
    watchdog.spawn()
    return watchdog
  }

  get pid(): number | null {
    return this.child?.pid ?? null
  }

  /** A clean shutdown: the watchdog exits instead of restarting the daemon. */
  stop(): void {
    this.stopped = true
    const child = this.child
    this.child = null
    if (!child?.stdin || child.stdin.destroyed) return
    child.stdin.end('stop\n')
    try {
      unlinkSync(this.paths.watchdogPidFile)
    } catch {}
  }

  private spawn(): void {
    const { paths } = this
    const child = spawn('/bin/sh', ['-c', SCRIPT, 'orch-watchdog', process.execPath, this.mainScript, paths.daemonLog, String(youngDelayMs()), paths.watchdogPidFile], {
      detached: true,
      stdio: ['pipe', 'ignore', 'ignore'],
      env: { ...process.env, ORCH_HOME: paths.home, [DETACHED_ENV]: '1' },
    })
    child.unref()
    // the pipe must not keep the daemon alive, nor a dead watchdog crash it
    child.stdin?.on('error', () => {})
    ;(child.stdin as unknown as { unref?: () => void } | null)?.unref?.()
    this.child = child
    if (child.pid !== undefined) writeFileSync(paths.watchdogPidFile, `${child.pid}\n`, { mode: 0o600 })
    child.once('exit', (code, signal) => {
      if (this.stopped || this.child !== child) return
      this.log.warn('watchdog ended; starting another', { code, signal })
      this.spawn()
    })
    this.log.info('watchdog started', { watchdogPid: child.pid })
  }
}
