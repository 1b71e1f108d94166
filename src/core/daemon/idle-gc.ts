import { performance, type EventLoopUtilization } from 'node:perf_hooks'
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

/** How often the daemon looks whether it is at rest with a grown young generation. */
export const IDLE_GC_CHECK_MS = 5_000
/** Under this share of the last check's interval spent running, the daemon is at rest. */
export const IDLE_UTILIZATION = 0.02
/** V8's young generation at its smallest (x64, node 20): a young generation larger than this has grown. */
const MIN_NEW_SPACE_BYTES = 1 << 20

type GcFunction = (opts: { type: 'minor' | 'major' }) => void

function newSpaceBytes(): number {
  return getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0
}

/**
 * V8's `gc`: from `--expose-gc` on the command line (node-flags.ts), else
 * (`orch daemon run` started without it) from a context created with the
 * flag set.
 */
function exposedGc(): GcFunction | null {
  const global = (globalThis as { gc?: GcFunction }).gc
  if (typeof global === 'function') return global
  try {
    setFlagsFromString('--expose-gc')
    const gc = runInNewContext('gc') as GcFunction | undefined
    setFlagsFromString('--no-expose-gc')
    return typeof gc === 'function' ? gc : null
  } catch {
    return null
  }
}

/**
 * Gives back the young generation a burst grew, once the daemon is at rest.
 * A burst (50 agents starting, a run of messages) grows V8's semi-spaces from
 * 1 to up to 8 MiB each; V8 shrinks them at the first scavenge that finds the
 * allocation rate low, but an idle daemon allocates so little that this
 * scavenge can take minutes to come: until then about 6 MiB of RSS is an
 * empty nursery. Every IDLE_GC_CHECK_MS, when the event loop was busy less
 * than IDLE_UTILIZATION of the time and the young generation is larger than
 * its minimum, one minor GC (a scavenge of a nearly empty nursery, about a
 * millisecond) lets V8 shrink it. A busy daemon is never collected by this.
 */
export class IdleGc {
  private timer: NodeJS.Timeout | null = null
  private last: EventLoopUtilization = performance.eventLoopUtilization()
  /** the young generation's size after our last collection: it did not shrink below this */
  private floor = MIN_NEW_SPACE_BYTES
  private collections = 0

  private constructor(private readonly gc: GcFunction) {}

  /** Null where V8's gc cannot be had (then the young generation shrinks when V8 gets to it). */
  static create(): IdleGc | null {
    const gc = exposedGc()
    return gc ? new IdleGc(gc) : null
  }

  /** Minor collections made so far (tests). */
  get count(): number {
    return this.collections
  }

  start(intervalMs: number = IDLE_GC_CHECK_MS): void {
    if (this.timer) return
    this.last = performance.eventLoopUtilization()
    this.timer = setInterval(() => this.check(), intervalMs)
    this.timer.unref()
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }

  /** One check: collects when at rest with a grown young generation; true when it did. */
  check(): boolean {
    const now = performance.eventLoopUtilization()
    const busy = performance.eventLoopUtilization(now, this.last).utilization
    this.last = now
    const size = newSpaceBytes()
    if (busy >= IDLE_UTILIZATION || size <= this.floor) {
      // grown again beyond what V8 kept last time: worth another try once at rest
      if (size < this.floor) this.floor = Math.max(MIN_NEW_SPACE_BYTES, size)
      return false
    }
    this.gc({ type: 'minor' })
    this.collections++
    const after = newSpaceBytes()
    // V8 kept it (allocation still too brisk for its taste): do not scavenge every check for nothing
    this.floor = Math.max(MIN_NEW_SPACE_BYTES, after)
    return true
  }
}
