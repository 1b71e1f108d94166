import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs'
import type { Logger } from '../log/logger.js'
import type { OrchPaths } from '../paths.js'
import { DELAY_ENV, DETACHED_ENV, FAILS_ENV } from '../watchdog-env.js'
import { DAEMON_NODE_FLAGS } from './node-flags.js'

/** A daemon that dies later than this after its start restarts at once (after FIRST_DELAY_MS). */
const YOUNG_S = 10
const FIRST_DELAY_MS = 100
const MAX_DELAY_MS = 30_000
/** Young deaths in a row after which the watchdog gives up (about 80 s of retrying), as systemd's StartLimitBurst. */
const MAX_YOUNG_DEATHS = 10
/** Its name in `ps`, also how `orch kill` recognises it. */
const PROCESS_NAME = 'orch-watchdog'

/**
 * The watchdog, as a POSIX shell script of a few lines (about 1 MB of memory,
 * no polling): it blocks reading a pipe whose only writer is the daemon. A
 * clean shutdown writes `stop` first; any other end of the daemon (kill -9,
 * OOM, a crash, a failed start) closes the pipe, and after a delay the
 * watchdog becomes a new daemon, which re-adopts the agents and starts a
 * watchdog of its own. It does not when, meanwhile, the home was removed or
 * another daemon started (a newer `lock.<n>`: a command, or `orch kill`, got
 * there first). A daemon that dies young is restarted after a delay that
 * doubles each time up to 30 s, and not at all after 10 in a row.
 *
 * $1 node, $2 the daemon's main, $3 daemon.log, $4 delay (ms) after a young
 * death, $5 watchdog.pid, $6 the dead daemon's lock generation, $7 young
 * deaths before it, $8 the daemon's node options (node-flags.ts: words
 * without spaces or wildcards, split by the shell).
 */
const SCRIPT = `
started=$(date +%s)
IFS= read -r line
[ "$line" = stop ] && exit 0
if [ $(( $(date +%s) - started )) -lt ${YOUNG_S} ]; then delay_ms=$4; fails=$(( $7 + 1 )); else delay_ms=${FIRST_DELAY_MS}; fails=0; fi
if [ "$fails" -ge ${MAX_YOUNG_DEATHS} ]; then
  printf '{"time":"%s","level":"error","msg":"watchdog: the daemon died young %s times in a row; not restarting it (see the lines above; any orch command starts it)","pid":%s}\\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$fails" "$$" >>"$3"
  exit 1
fi
sleep "$(( delay_ms / 1000 )).$(printf %03d $(( delay_ms % 1000 )))"
[ -d "$ORCH_HOME/data" ] || exit 0
for f in "$ORCH_HOME"/lock.*; do
  n=\${f##*/lock.}
  case $n in ''|*[!0-9]*) continue ;; esac
  [ "$n" -gt "$6" ] && exit 0
done
[ "$(cat "$5" 2>/dev/null)" = "$$" ] && rm -f "$5"
${DELAY_ENV}=$delay_ms ${FAILS_ENV}=$fails exec "$1" $8 "$2" </dev/null >>"$3" 2>&1
`

/** The delay before restarting a daemon that dies young: double the one that started this daemon. */
function youngDelayMs(): number {
  const last = Number(process.env[DELAY_ENV])
  return Number.isFinite(last) && last > 0 ? Math.min(MAX_DELAY_MS, last * 2) : FIRST_DELAY_MS
}

function youngDeathsBefore(): number {
  const n = Number(process.env[FAILS_ENV])
  return Number.isSafeInteger(n) && n > 0 ? n : 0
}

/** A daemon in the background keeps a watchdog that restarts it when it dies without saying goodbye. */
export class Watchdog {
  private child: ChildProcess | null = null
  private stopped = false

  private constructor(
    private readonly paths: OrchPaths,
    private readonly mainScript: string,
    private readonly generation: number,
    private readonly log: Logger,
  ) {}

  /**
   * Starts one for a daemon in the background, as soon as it holds the lock
   * (so a start that fails later is retried too); none for `orch daemon
   * run`, whose service manager (systemd) restarts it.
   */
  static start(paths: OrchPaths, mainScript: string, generation: number, log: Logger): Watchdog | null {
    if (process.env[DETACHED_ENV] !== '1') return null
    const watchdog = new Watchdog(paths, mainScript, generation, log)
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
    const args = [String(youngDelayMs()), paths.watchdogPidFile, String(this.generation), String(youngDeathsBefore()), DAEMON_NODE_FLAGS.join(' ')]
    const child = spawn('/bin/sh', ['-c', SCRIPT, PROCESS_NAME, process.execPath, this.mainScript, paths.daemonLog, ...args], {
      detached: true,
      stdio: ['pipe', 'ignore', 'ignore'],
      env: { ...process.env, ORCH_HOME: paths.home, [DETACHED_ENV]: '1' },
    })
    child.unref()
    // the pipe must not keep the daemon alive, nor a dead watchdog crash it
    child.stdin?.on('error', () => {})
    ;(child.stdin as unknown as { unref?: () => void } | null)?.unref?.()
    this.child = child
    // best effort: a full disk must not stop the daemon (only tests and `orch kill` read it)
    try {
      if (child.pid !== undefined) writeFileSync(paths.watchdogPidFile, `${child.pid}\n`, { mode: 0o600 })
    } catch {}
    child.once('exit', (code, signal) => {
      if (this.stopped || this.child !== child) return
      this.log.warn('watchdog ended; starting another', { code, signal })
      this.spawn()
    })
    this.log.info('watchdog started', { watchdogPid: child.pid })
  }
}

/**
 * Ends the watchdog of a home whose daemon is gone (it may be sleeping before
 * a restart): `orch kill` and `orch daemon stop` mean no daemon. Only a
 * process that is this home's watchdog is signalled. Returns its pid.
 */
export function stopOrphanWatchdog(paths: OrchPaths): number | null {
  let pid: number
  try {
    pid = Number(readFileSync(paths.watchdogPidFile, 'utf8'))
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')
    const env = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')
    if (!argv.includes(PROCESS_NAME) || !env.includes(`ORCH_HOME=${paths.home}`)) return null
    process.kill(pid, 'SIGTERM')
  } catch {
    return null
  }
  try {
    unlinkSync(paths.watchdogPidFile)
  } catch {}
  return pid
}
