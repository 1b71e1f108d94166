import { performance, type EventLoopUtilization } from 'node:perf_hooks'
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8'
import { runInNewContext, runInThisContext } from 'node:vm'

/** How often the daemon looks whether it is at rest with a grown young generation. */
export const IDLE_GC_CHECK_MS = 5_000
/** Under this share of a check's interval spent running, the daemon was at rest during it. */
export const IDLE_UTILIZATION = 0.02
/** Checks in a row at rest before collecting: V8 shrinks the young generation only once its allocation rate reads low. */
export const REST_CHECKS = 2
/**
 * A young generation this large was grown by a burst (V8 starts it at 1 MiB
 * and grows it by doubling; 50 agents starting take it to 8 MiB). At rest it
 * grows to 2 MiB now and then by itself: not worth a collection.
 */
export const GROWN_NEW_SPACE_BYTES = 4 << 20
/** At most one collection in this long, whatever V8 made of the last one. */
export const MIN_GC_GAP_MS = 60_000

export interface IdleGcOptions {
  restChecks: number
  grownBytes: number
  minGapMs: number
}

function newSpaceBytes(): number {
  return getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0
}

// Made inside the context that `gc` belongs to: an options object from
// another context is not read, and the call becomes a full GC.
const MINOR_GC_SOURCE = "() => gc({ type: 'minor' })"

/**
 * A scavenge, through V8's `gc`: from `--expose-gc` on the command line
 * (node-flags.ts), else (`orch daemon run` started without it) from a context
 * created with the flag set.
 */
function minorGc(): (() => void) | null {
  if (typeof (globalThis as { gc?: unknown }).gc === 'function') return runInThisContext(MINOR_GC_SOURCE) as () => void
  try {
    setFlagsFromString('--expose-gc')
    const gc = runInNewContext(`typeof gc === 'function' ? ${MINOR_GC_SOURCE} : null`) as (() => void) | null
    setFlagsFromString('--no-expose-gc')
    return gc
  } catch {
    return null
  }
}

/**
 * Gives back what a burst grew, once the daemon is at rest. A burst (50
 * agents starting, a run of messages) grows V8's semi-spaces from 1 to up to
 * 8 MiB each; V8 shrinks them at the first scavenge that finds the
 * allocation rate low, but an idle daemon allocates so little that this
 * scavenge can come late (20 s to minutes): until then about 6 MiB of RSS is
 * an empty nursery. When the event loop was busy less than IDLE_UTILIZATION
 * of the time for REST_CHECKS checks in a row (by then V8 reads the
 * allocation rate as low) and the young generation is GROWN_NEW_SPACE_BYTES
 * or more (the mark of a burst), one scavenge lets V8 shrink it: a few ms of
 * CPU, at most once a minute, never while busy. A full GC (`gc()`) would also
 * compact the old generation, but costs 15–20 ms, which the idle CPU figure
 * (measured over 20 s right after a burst) notices, for about 1 MiB.
 */
export class IdleGc {
  private timer: NodeJS.Timeout | null = null
  private last: EventLoopUtilization = performance.eventLoopUtilization()
  private restChecks = 0
  private lastGcAt = -Infinity
  private collections = 0

  private constructor(
    private readonly gc: () => void,
    private readonly opts: IdleGcOptions,
  ) {}

  /** Null where V8's gc cannot be had (then the young generation shrinks when V8 gets to it). */
  static create(opts: Partial<IdleGcOptions> = {}): IdleGc | null {
    const gc = minorGc()
    return gc ? new IdleGc(gc, { restChecks: REST_CHECKS, grownBytes: GROWN_NEW_SPACE_BYTES, minGapMs: MIN_GC_GAP_MS, ...opts }) : null
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
    if (this.restChecks < this.opts.restChecks || newSpaceBytes() < this.opts.grownBytes) return false
    if (performance.now() - this.lastGcAt < this.opts.minGapMs) return false
    this.gc()
    this.lastGcAt = performance.now()
    this.collections++
    return true
  }
}
