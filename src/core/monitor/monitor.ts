import { existsSync } from 'node:fs'
import { MIN_MONITOR_INTERVAL_MS } from '../config/defaults.js'
import type { Logger } from '../log/logger.js'
import type { Supervisor } from '../supervisor/supervisor.js'
import { ProcUsageReader, type ProcUsage } from './proc-usage.js'

/** Where samples go: the supervisor owns what they mean (history, memory limits, lost processes). */
export type UsageReceiver = Pick<Supervisor, 'processes' | 'reportUsage' | 'reportMissing'>

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
  private running = false
  private lastCpu = process.cpuUsage()
  private lastAt = Date.now()
  private daemonCpu = 0
  private readonly reader = existsSync('/proc/self/stat') ? new ProcUsageReader() : null

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
    if (this.timer) {
      this.stop()
      this.start()
    }
  }

  start(): void {
    if (this.timer) return
    this.timer = setInterval(() => void this.sample(), this.intervalMs)
    this.timer.unref()
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    this.reader?.close()
  }

  /** The daemon's own usage: % of one core since the previous sample, and RSS. */
  daemonUsage(): { cpu: number; memory: number } {
    return { cpu: this.daemonCpu, memory: process.memoryUsage.rss() }
  }

  async sample(): Promise<void> {
    if (this.running) return
    this.running = true
    try {
      const live = this.supervisor.processes()
      if (live.length > 0) {
        const usage = await this.usageOf(live.map((p) => p.pid))
        const now = Date.now()
        const suspects = new Set<string>()
        for (const { id, pid } of live) {
          const s = usage.get(pid)
          // A zombie (dead, not yet reaped by an init that may never reap) still reads, with no memory.
          if (!s || s.memory === 0) suspects.add(id)
          else this.supervisor.reportUsage(id, { at: now, cpu: Math.round(s.cpu * 10) / 10, memory: s.memory })
        }
        // each pid is read through a descriptor opened on that very process,
        // so a pid reused by another process fails too: only the pids that
        // failed need the start-time check.
        this.supervisor.reportMissing(suspects)
      }
      const now = Date.now()
      const cpu = process.cpuUsage(this.lastCpu)
      this.daemonCpu = Math.round(((cpu.user + cpu.system) / 1000 / Math.max(1, now - this.lastAt)) * 1000) / 10
      this.lastCpu = process.cpuUsage()
      this.lastAt = now
    } catch (err) {
      this.log.error('monitor sample failed', { err })
    } finally {
      this.running = false
    }
  }

  /** CPU and memory by pid; a pid that could not be read is absent. */
  private async usageOf(pids: number[]): Promise<Map<number, ProcUsage>> {
    if (this.reader) return this.reader.read(pids)
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
