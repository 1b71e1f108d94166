import { performance, type EventLoopUtilization } from 'node:perf_hooks'
import { getHeapSpaceStatistics, getHeapStatistics, setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

/** How often the daemon looks whether it is at rest with a grown young generation. */
export const IDLE_GC_CHECK_MS = 5_000
/** Under this share of a check's interval spent running, the daemon was at rest during it. */
export const IDLE_UTILIZATION = 0.02
/** Checks in a row at rest before collecting: V8 shrinks the young generation only once its allocation rate reads low. */
export const REST_CHECKS = 2
/**
 * A young generation this large was grown by a burst (V8 starts it at 1 MiB
 * and grows it by doubling; 50 agents starting take it to 8 MiB). At rest it
 * grows to 2 MiB now and then by itself: not worth a full GC.
 */
export const GROWN_NEW_SPACE_BYTES = 4 << 20
/**
 * The heap's committed memory grown this much since the daemon's last full GC
 * (garbage an idle daemon promotes slowly: the monitor's samples) is worth
 * one too, at rest: V8 itself waits for its old generation's limit.
 */
export const GROWN_HEAP_BYTES = 2 << 20
/** At most one collection in this long, whatever V8 made of the last one. */
export const MIN_GC_GAP_MS = 60_000

export interface IdleGcOptions {
  restChecks: number
  grownBytes: number
  grownHeapBytes: number
  minGapMs: number
}

function newSpaceBytes(): number {
  return getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0
}

/**
 * V8's `gc()` (a full, compacting collection): from `--expose-gc` on the
 * command line (node-flags.ts), else (`orch daemon run` started without it)
 * from a context created with the flag set. Called without options: node 20's
 * V8 makes a scavenge of `gc({ type: 'major' })`, and a scavenge leaves the
 * young generation grown as long as V8 still counts the burst's allocation rate.
 */
function fullGc(): (() => void) | null {
  const global = (globalThis as { gc?: unknown }).gc
  if (typeof global === 'function') return global as () => void
  try {
    setFlagsFromString('--expose-gc')
    const gc = runInNewContext('gc') as unknown
    setFlagsFromString('--no-expose-gc')
    return typeof gc === 'function' ? (gc as () => void) : null
  } catch {
    return null
  }
}

/**
 * Gives back what a burst grew, once the daemon is at rest. A burst (50
 * agents starting, a run of messages) grows V8's semi-spaces from 1 to up to
 * 8 MiB each; V8 shrinks them at the first scavenge that finds the
 * allocation rate low, but an idle daemon allocates so little that this
 * scavenge can take minutes to come: until then about 6 MiB of RSS is an
 * empty nursery. Every IDLE_GC_CHECK_MS, when the event loop was busy less
 * than IDLE_UTILIZATION of the time and the young generation is larger than
 * its minimum (the mark of a burst), or the heap has grown GROWN_HEAP_BYTES
 * since the last full GC, one full GC shrinks the young generation back to
 * its minimum and compacts the old one (V8's own memory reducer does the
 * same, minutes later or never). About 10–20 ms of CPU, at most once a
 * minute and only at rest; a busy daemon is never collected by this.
 */
export class IdleGc {
  private timer: NodeJS.Timeout | null = null
  private last: EventLoopUtilization = performance.eventLoopUtilization()
  private restChecks = 0
  private lastGcAt = -Infinity
  /** the heap's committed bytes after the last full GC (any, V8's own included: see check) */
  private heapAfterGc = getHeapStatistics().total_physical_size
  private collections = 0

  private constructor(
    private readonly gc: () => void,
    private readonly opts: IdleGcOptions,
  ) {}

  /** Null where V8's gc cannot be had (then the young generation shrinks when V8 gets to it). */
  static create(opts: Partial<IdleGcOptions> = {}): IdleGc | null {
    const gc = fullGc()
    return gc ? new IdleGc(gc, { restChecks: REST_CHECKS, grownBytes: GROWN_NEW_SPACE_BYTES, grownHeapBytes: GROWN_HEAP_BYTES, minGapMs: MIN_GC_GAP_MS, ...opts }) : null
  }

  /** Collections made so far (tests). */
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

  /** One check, at the end of an interval: collects when at rest with a grown young generation; true when it did. */
  check(): boolean {
    const now = performance.eventLoopUtilization()
    const busy = performance.eventLoopUtilization(now, this.last).utilization
    this.last = now
    if (busy >= IDLE_UTILIZATION) {
      this.restChecks = 0
      return false
    }
    this.restChecks++
    const heap = getHeapStatistics().total_physical_size
    // V8 collected and shrank by itself meanwhile: measure growth from there
    this.heapAfterGc = Math.min(this.heapAfterGc, heap)
    if (this.restChecks < this.opts.restChecks) return false
    if (newSpaceBytes() < this.opts.grownBytes && heap - this.heapAfterGc < this.opts.grownHeapBytes) return false
    if (performance.now() - this.lastGcAt < this.opts.minGapMs) return false
    this.gc()
    this.lastGcAt = performance.now()
    this.heapAfterGc = getHeapStatistics().total_physical_size
    this.collections++
    return true
  }
}
