import { performance, type EventLoopUtilization } from 'node:perf_hooks'
import { setFlagsFromString } from 'node:v8'
import { INTERPRETER_ONLY_FLAGS } from './node-flags.js'

/** How often TierUp looks at the work of the interval that ended. */
export const TIER_CHECK_MS = 1_000
/** Queue messages stored in one interval that turn the compilers on: the queue's paths are where speed counts. */
export const BUSY_MESSAGES = 200
/** Any other work: the event loop running this share of the time… */
export const BUSY_UTILIZATION = 0.5
/** …for this many intervals in a row (starting 50 agents is about 0.5 s of CPU over 3 s: not this). */
export const BUSY_CHECKS = 3

export interface TierUpOptions {
  busyMessages: number
  busyUtilization: number
  busyChecks: number
}

/** What TierUp counts messages on (the queue). */
export interface SentSource {
  on(event: 'sent', fn: () => void): unknown
  off(event: 'sent', fn: () => void): unknown
}

/**
 * Turns V8's compilers on, once and for good, when the daemon has work: as
 * many queue messages in a second as a team that talks, or a busy event
 * loop for seconds. The first messages of a burst run interpreted (slower),
 * for at most about a second; V8 then compiles what is hot as it always
 * does. A daemon started without INTERPRETER_ONLY_FLAGS (`orch daemon run`,
 * whose node options are the CLI's) has nothing to turn on.
 */
export class TierUp {
  private timer: NodeJS.Timeout | null = null
  private last: EventLoopUtilization = performance.eventLoopUtilization()
  private messages = 0
  private busyChecks = 0
  private raised = false
  private readonly count = (): void => {
    this.messages++
  }
  private source: SentSource | null = null

  constructor(
    private readonly raise: () => void = raiseTiers,
    private readonly opts: TierUpOptions = { busyMessages: BUSY_MESSAGES, busyUtilization: BUSY_UTILIZATION, busyChecks: BUSY_CHECKS },
  ) {}

  /** Null when this process did not start interpreter-only. */
  static create(execArgv: readonly string[] = process.execArgv): TierUp | null {
    return INTERPRETER_ONLY_FLAGS.some((f) => execArgv.includes(f)) ? new TierUp() : null
  }

  /** Whether the compilers are on (by this TierUp). */
  get on(): boolean {
    return this.raised
  }

  /** Counts `source`'s sent messages and checks every `intervalMs`; `raised` hears why the compilers came on. */
  start(source: SentSource, raised: (why: string) => void = () => {}, intervalMs: number = TIER_CHECK_MS): void {
    if (this.timer || this.raised) return
    this.source = source
    source.on('sent', this.count)
    this.last = performance.eventLoopUtilization()
    this.timer = setInterval(() => {
      const why = this.check()
      if (why) raised(why)
    }, intervalMs)
    this.timer.unref()
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    this.source?.off('sent', this.count)
    this.source = null
  }

  /** One check, at the end of an interval: why it turned the compilers on, or false. */
  check(): string | false {
    const now = performance.eventLoopUtilization()
    const busy = performance.eventLoopUtilization(now, this.last).utilization
    this.last = now
    this.busyChecks = busy >= this.opts.busyUtilization ? this.busyChecks + 1 : 0
    const messages = this.messages
    this.messages = 0
    if (this.raised || (messages < this.opts.busyMessages && this.busyChecks < this.opts.busyChecks)) return false
    this.raise()
    this.raised = true
    this.stop()
    return messages >= this.opts.busyMessages ? `${messages} messages in a check's interval` : `event loop busy ${this.busyChecks} checks in a row`
  }
}

/** V8 reads these flags at each tier-up decision, so setting them now takes effect now. */
function raiseTiers(): void {
  setFlagsFromString('--sparkplug')
  setFlagsFromString('--turbofan')
}
