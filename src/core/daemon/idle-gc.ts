import { performance, type EventLoopUtilization } from 'node:perf_hooks'
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8'
import { runInNewContext, runInThisContext } from 'node:vm'

/** How often the daemon looks whether it is at rest. */
export const IDLE_GC_CHECK_MS = 1_000
/** Under this share of a check's interval spent running, the daemon was at rest during it. */
export const IDLE_UTILIZATION = 0.02
/** Checks in a row at rest before a scavenge: V8 shrinks the young generation only once its allocation rate reads low. */
export const REST_CHECKS = 10
/** Checks in a row at rest before a compaction. */
export const COMPACT_REST_CHECKS = 1
/** Old-generation growth since the last compaction (or the daemon's start) that a compaction gives back. */
export const COMPACT_GROWTH_BYTES = 1 << 20
/**
 * A young generation this large was grown by a burst (V8 starts it at 1 MiB
 * and grows it by doubling; 50 agents starting take it to 8 MiB). At rest it
 * grows to 2 MiB now and then by itself: not worth a collection.
 */
export const GROWN_NEW_SPACE_BYTES = 4 << 20
/** At most one scavenge, and one compaction, in this long, whatever V8 made of the last one. */
export const MIN_GC_GAP_MS = 60_000

export interface IdleGcOptions {
  restChecks: number
  compactRestChecks: number
  compactGrowthBytes: number
  grownBytes: number
  minGapMs: number
}

function newSpaceBytes(): number {
  return getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0
}

/** The pages of the old generation (objects, code, large objects). */
function oldGenerationBytes(): number {
  let bytes = 0
  for (const s of getHeapSpaceStatistics()) if (s.space_name !== 'new_space' && s.space_name !== 'new_large_object_space' && s.space_name !== 'read_only_space') bytes += s.space_size
  return bytes
}

interface Collections {
  /** a scavenge */
  minor: () => void
  /** a full GC (node 20's gc({ type: 'major' }) is a scavenge; gc() is not) */
  full: () => void
}

// Made inside the context that `gc` belongs to: an options object from
// another context is not read, and the call becomes a full GC.
const GC_SOURCE = "({ minor: () => gc({ type: 'minor' }), full: () => gc() })"

/**
 * V8's `gc`: from `--expose-gc` on the command line (node-flags.ts), else
 * (`orch daemon run` started without it) from a context created with the
 * flag set.
 */
function collections(): Collections | null {
  if (typeof (globalThis as { gc?: unknown }).gc === 'function') return runInThisContext(GC_SOURCE) as Collections
  try {
    setFlagsFromString('--expose-gc')
    const gcs = runInNewContext(`typeof gc === 'function' ? ${GC_SOURCE} : null`) as Collections | null
    setFlagsFromString('--no-expose-gc')
    return gcs
  } catch {
    return null
  }
}

/**
 * A full GC that moves every live object of the old generation onto as few
 * pages as it can and gives the rest back, as V8's memory reducer does
 * (which comes on its own only ~30 s after the last GC of a daemon that
 * keeps a timer or two running). V8 reads the flag when the GC starts.
 */
function compacting(full: () => void): void {
  setFlagsFromString('--compact-on-every-full-gc')
  try {
    full()
  } finally {
    setFlagsFromString('--no-compact-on-every-full-gc')
  }
}

/**
 * Gives back what a burst grew, once the daemon is at rest (the event loop
 * busy less than IDLE_UTILIZATION of a check's interval, so many checks in
 * a row):
 *
 * - When the old generation grew by COMPACT_GROWTH_BYTES or more since the
 *   last compaction (or since the daemon started): a compacting full GC.
 *   Starting 50 agents (or a backlog of messages) leaves the old
 *   generation on pages mostly empty; until V8's memory reducer compacts
 *   them (about 30 s later, when it does), some 2 MiB of RSS is those
 *   pages. ~25 ms of CPU, at most once per MIN_GC_GAP_MS.
 * - After a later burst: a scavenge, when the young generation is
 *   GROWN_NEW_SPACE_BYTES or more (the mark of a burst). A burst (50 agents
 *   starting, a run of messages) grows V8's semi-spaces from 1 to up to 8
 *   MiB each; V8 shrinks them at the first scavenge that finds the
 *   allocation rate low, but an idle daemon allocates so little that this
 *   scavenge can come late (20 s to minutes): until then about 6 MiB of RSS
 *   is an empty nursery. After REST_CHECKS checks at rest, V8 reads the
 *   allocation rate as low. A few ms of CPU, at most once per MIN_GC_GAP_MS,
 *   never while busy.
 */
export class IdleGc {
  private timer: NodeJS.Timeout | null = null
  private last: EventLoopUtilization = performance.eventLoopUtilization()
  private restChecks = 0
  private lastGcAt = -Infinity
  private lastCompactionAt = -Infinity
  private oldAfterCompaction = oldGenerationBytes()
  private collections = 0

  private constructor(
    private readonly gcs: Collections,
    private readonly opts: IdleGcOptions,
  ) {}

  /** Null where V8's gc cannot be had (then the young generation shrinks when V8 gets to it). */
  static create(opts: Partial<IdleGcOptions> = {}): IdleGc | null {
    const gcs = collections()
    return gcs
      ? new IdleGc(gcs, {
          restChecks: REST_CHECKS,
          compactRestChecks: COMPACT_REST_CHECKS,
          compactGrowthBytes: COMPACT_GROWTH_BYTES,
          grownBytes: GROWN_NEW_SPACE_BYTES,
          minGapMs: MIN_GC_GAP_MS,
          ...opts,
        })
      : null
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

  /** One check, at the end of an interval: what it collected, if anything. */
  check(): 'compacted' | 'scavenged' | false {
    const now = performance.eventLoopUtilization()
    const busy = performance.eventLoopUtilization(now, this.last).utilization
    this.last = now
    if (busy >= IDLE_UTILIZATION) {
      this.restChecks = 0
      return false
    }
    this.restChecks++
    const at = performance.now()
    if (
      this.restChecks >= this.opts.compactRestChecks &&
      at - this.lastCompactionAt >= this.opts.minGapMs &&
      oldGenerationBytes() - this.oldAfterCompaction >= this.opts.compactGrowthBytes
    ) {
      compacting(this.gcs.full)
      this.lastCompactionAt = at
      this.oldAfterCompaction = oldGenerationBytes()
      this.collections++
      return 'compacted'
    }
    if (this.restChecks < this.opts.restChecks || newSpaceBytes() < this.opts.grownBytes) return false
    if (performance.now() - this.lastGcAt < this.opts.minGapMs) return false
    this.gcs.minor()
    this.lastGcAt = performance.now()
    this.collections++
    return 'scavenged'
  }
}
