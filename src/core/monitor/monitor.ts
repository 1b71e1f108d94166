import { existsSync } from 'node:fs'
import { MIN_MONITOR_INTERVAL_MS } from '../config/defaults.js'
import type { Logger } from '../log/logger.js'
import type { Supervisor } from '../supervisor/supervisor.js'
import { ProcUsageReader, type ProcUsage } from './proc-usage.js'

/** Where samples go: the supervisor owns what they mean (history, memory limits, lost processes). */
export type UsageReceiver = Pick<Supervisor, 'processes' | 'reportUsage' | 'reportMissing'>

/** Samples in a row at 0 % CPU after which an agent is quiet. */
export const QUIET_AFTER = 5
/** A quiet agent's /proc is read once in this many intervals; the others repeat its last figures. */
export const QUIET_EVERY = 5

/** What the monitor remembers of an agent between samples. */
interface Seen {
  pid: number
  /** samples in a row that read 0 % CPU */
  idle: number
  memory: number
  /** which of the QUIET_EVERY intervals reads it while quiet (spreads the reads) */
  slot: number
}

/**
 * Samples CPU and memory of every agent pid once per interval. On Linux it
 * reads /proc/<pid>/stat through descriptors it keeps open (proc-usage.ts:
 * about 10x cheaper per pid than pidusage, which it replaced; see
 * docs/benchmarks.md); where there is no /proc, through pidusage, loaded
 * then only. pidusage.clear() is never called: it drops the history without
 * closing the descriptors.
 */
export class Monitor {
  private timer: NodeJS.Timeout | null = null
  private started = false
  private running = false
  /** every process is a quiet child of ours: one sample per QUIET_EVERY intervals, reading them all */
  private resting = false
  /** bumped by wake(): a sample that began before it does not start a rest */
  private changes = 0
  private lastCpu = process.cpuUsage()
  private lastAt = Date.now()
  private daemonCpu = 0
  private readonly reader = existsSync('/proc/self/stat') ? new ProcUsageReader() : null
  private readonly seen = new Map<string, Seen>()
  private tick = 0
  private nextSlot = 0
  private pidsRead = 0
  private pidsProbed = 0

  constructor(
    private readonly supervisor: UsageReceiver,
    private intervalMs: number,
    private readonly log: Logger,
  ) {
    this.intervalMs = Math.max(MIN_MONITOR_INTERVAL_MS, intervalMs)
  }

  /** The config refuses an interval under the floor; this keeps any other caller above it too. */
  setInterval(requestedMs: number): void {
    const ms = Math.max(MIN_MONITOR_INTERVAL_MS, requestedMs)
    if (ms === this.intervalMs) return
    this.intervalMs = ms
    if (this.started) {
      this.stop()
      this.start()
    }
  }

  start(): void {
    if (this.started) return
    this.started = true
    this.arm(this.intervalMs)
  }

  stop(): void {
    this.started = false
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    this.reader?.close()
  }

  /** A process was spawned: a resting monitor samples again within one interval (the new one is not quiet yet). */
  wake(): void {
    this.changes++
    if (!this.resting) return
    this.resting = false
    if (this.timer) this.arm(this.intervalMs)
  }

  /** Whether the monitor rests (tests): every process a quiet child, sampled once per QUIET_EVERY intervals. */
  get isResting(): boolean {
    return this.resting
  }

  private arm(ms: number): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = setTimeout(() => {
      this.timer = null
      void this.sample().finally(() => {
        if (this.started && !this.timer) this.arm(this.resting ? this.intervalMs * QUIET_EVERY : this.intervalMs)
      })
    }, ms)
    this.timer.unref()
  }

  /** The daemon's own usage: % of one core since the previous sample, and RSS. */
  daemonUsage(): { cpu: number; memory: number } {
    return { cpu: this.daemonCpu, memory: process.memoryUsage.rss() }
  }

  /** How many pids were read from /proc (or pidusage) so far: the cost that quiet agents save (tests, the bench). */
  get reads(): number {
    return this.pidsRead
  }

  /** How many quiet agents were checked alive with a signal 0 so far (tests). */
  get probes(): number {
    return this.pidsProbed
  }

  /**
   * One sample of every agent. An agent quiet for QUIET_AFTER samples (no CPU
   * time at all) is read once in QUIET_EVERY intervals: a process that runs
   * no code cannot have grown, so its figures stand (0 %, the same memory)
   * and are reported again in between, and `orch ls` shows them as before.
   * Between its reads a quiet agent that is not our child (re-adopted) is
   * checked to be alive (a signal 0: no /proc text to produce), so its loss
   * is noticed as soon as before; a child needs no check, its exit is heard.
   * One that wakes is seen within QUIET_EVERY intervals, and read every
   * interval again.
   *
   * When every process is a quiet child of ours, the monitor rests: it
   * samples once per QUIET_EVERY intervals and reads them all then (the same
   * reads, a fifth of the wake-ups), until one of them uses CPU or a process
   * is spawned (wake). With 50 idle agents this is most of an idle daemon's
   * CPU.
   */
  async sample(): Promise<void> {
    if (this.running) return
    this.running = true
    try {
      const live = this.supervisor.processes()
      const changes = this.changes
      const readAll = this.resting
      this.tick++
      if (live.length > 0) {
        const due: Array<{ id: string; pid: number }> = []
        const quiet: Array<{ id: string; pid: number; child: boolean; seen: Seen }> = []
        for (const p of live) {
          const seen = this.seen.get(p.id)
          if (!readAll && seen && seen.pid === p.pid && seen.idle >= QUIET_AFTER && (this.tick + seen.slot) % QUIET_EVERY !== 0) quiet.push({ ...p, seen })
          else due.push(p)
        }
        const usage = await this.usageOf(due.map((p) => p.pid), quiet.length > 0 ? live.map((p) => p.pid) : undefined)
        this.pidsRead += due.length
        const now = Date.now()
        const suspects = new Set<string>()
        for (const { id, pid } of due) {
          const s = usage.get(pid)
          // A zombie (dead, not yet reaped by an init that may never reap) still reads, with no memory.
          if (!s || s.memory === 0) {
            suspects.add(id)
            this.seen.delete(id)
            continue
          }
          const seen = this.seen.get(id)
          const idle = s.cpu === 0 && seen?.pid === pid ? seen.idle + 1 : 0
          this.seen.set(id, { pid, idle, memory: s.memory, slot: seen?.slot ?? this.nextSlot++ % QUIET_EVERY })
          this.supervisor.reportUsage(id, { at: now, cpu: Math.round(s.cpu * 10) / 10, memory: s.memory })
        }
        for (const { id, pid, child, seen } of quiet) {
          if (child || this.probe(pid)) this.supervisor.reportUsage(id, { at: now, cpu: 0, memory: seen.memory })
          else {
            suspects.add(id)
            this.seen.delete(id)
          }
        }
        if (this.seen.size > live.length) this.forgetAllBut(live)
        // each pid is read through a descriptor opened on that very process,
        // so a pid reused by another process fails too: only the pids that
        // failed need the start-time check.
        this.supervisor.reportMissing(suspects)
      } else if (this.seen.size > 0) this.seen.clear()
      this.resting = this.changes === changes && live.every((p) => p.child && (this.seen.get(p.id)?.idle ?? 0) >= QUIET_AFTER)
      const now = Date.now()
      const cpu = process.cpuUsage()
      const usedUs = cpu.user - this.lastCpu.user + (cpu.system - this.lastCpu.system)
      this.daemonCpu = Math.round((usedUs / 1000 / Math.max(1, now - this.lastAt)) * 1000) / 10
      this.lastCpu = cpu
      this.lastAt = now
    } catch (err) {
      this.log.error('monitor sample failed', { err })
    } finally {
      this.running = false
    }
  }

  private probe(pid: number): boolean {
    this.pidsProbed++
    return alive(pid)
  }

  private forgetAllBut(live: ReadonlyArray<{ id: string }>): void {
    const ids = new Set(live.map((p) => p.id))
    for (const id of this.seen.keys()) if (!ids.has(id)) this.seen.delete(id)
  }

  /** CPU and memory by pid; a pid that could not be read is absent. */
  private async usageOf(pids: number[], keep?: number[]): Promise<Map<number, ProcUsage>> {
    if (this.reader) return this.reader.read(pids, Date.now(), keep)
    if (pids.length === 0) return new Map()
    const { default: pidusage } = await import('pidusage')
    const out = new Map<number, ProcUsage>()
    try {
      const stats = await pidusage(pids, { maxage: this.intervalMs * 3 })
      for (const pid of pids) {
        const s = stats[String(pid)]
        if (s) out.set(pid, { cpu: s.cpu, memory: s.memory })
      }
    } catch (err) {
      // One pid vanished between the list and the read; the next tick sees it gone.
      if (pids.length > 1) this.log.warn('pidusage failed', { err })
    }
    return out
  }
}

/** Whether a process with this pid exists (signal 0: checks without signalling; EPERM means it exists). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}
