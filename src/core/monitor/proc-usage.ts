import { closeSync, openSync, readFileSync, readSync } from 'node:fs'

/** CPU (% of one core) and RSS (bytes) of one process. */
export interface ProcUsage {
  cpu: number
  memory: number
}

/** USER_HZ: the unit of /proc's clock ticks, 100 on every Linux architecture (part of the kernel ABI). */
export const CLOCK_TICKS = 100

/**
 * The page size, from this process's own RSS in pages against its RSS in
 * bytes (rounded to a power of two): no `getconf` process at daemon start.
 */
function pageSizeFromSelf(): number {
  try {
    const text = readFileSync('/proc/self/stat')
    const pages = parseStat(text, text.length)?.rssPages
    const bytes = process.memoryUsage.rss()
    if (pages) return 2 ** Math.round(Math.log2(bytes / pages))
  } catch {
    // no /proc: unused then
  }
  return 4096
}

interface Tracked {
  fd: number
  /** utime + stime, clock ticks, at `at` */
  ticks: number
  at: number
}

/** Room for any /proc/<pid>/stat line (a 16-byte comm, 52 numeric fields). */
const STAT_BYTES = 1024

/**
 * CPU and memory of processes from /proc/<pid>/stat, the cheap way: one
 * descriptor kept open per pid (a positional read makes the kernel write the
 * line again: no open, no close, no path lookup per sample), one shared
 * buffer, and only the four fields needed parsed out of it. A descriptor is
 * bound to the process it was opened on, so once that process is gone its
 * reads fail, even if the pid was reused: a failed read means "gone".
 *
 * Replaces pidusage in the monitor (measured in docs/benchmarks.md): pidusage
 * opens a promise, a buffer and a string per pid per sample, and reports 0%
 * CPU on its first sample of a pid; here the first sample is the average
 * since the process started.
 */
export class ProcUsageReader {
  private readonly tracked = new Map<number, Tracked>()
  private readonly buf = Buffer.allocUnsafe(STAT_BYTES)
  private readonly clockTicks = CLOCK_TICKS
  private pageSize = 0

  /**
   * Usage of each pid, by pid; a pid that is gone, a zombie, or unreadable is
   * absent. Descriptors of pids in neither `pids` nor `keep` are closed.
   */
  read(pids: readonly number[], now = Date.now(), keep: readonly number[] = pids): Map<number, ProcUsage> {
    const out = new Map<number, ProcUsage>()
    if (this.tracked.size > 0) {
      const wanted = new Set(keep)
      for (const pid of pids) wanted.add(pid)
      for (const [pid, t] of this.tracked) {
        if (!wanted.has(pid)) this.forget(pid, t)
      }
    }
    for (const pid of pids) {
      const usage = this.readOne(pid, now)
      if (usage) out.set(pid, usage)
    }
    return out
  }

  /** Closes every descriptor. */
  close(): void {
    for (const [pid, t] of this.tracked) this.forget(pid, t)
  }

  private readOne(pid: number, now: number): ProcUsage | null {
    let t = this.tracked.get(pid)
    let first = false
    if (!t) {
      try {
        t = { fd: openSync(`/proc/${pid}/stat`, 'r'), ticks: 0, at: 0 }
      } catch {
        return null
      }
      this.tracked.set(pid, t)
      first = true
    }
    let n: number
    try {
      n = readSync(t.fd, this.buf, 0, STAT_BYTES, 0)
    } catch {
      this.forget(pid, t)
      return null
    }
    const fields = parseStat(this.buf, n)
    if (!fields || fields.state === 0x5a /* Z */ || fields.state === 0x58 /* X */) {
      this.forget(pid, t)
      return null
    }
    const ticks = fields.utime + fields.stime
    let cpu: number
    if (first) {
      // no earlier sample: the average since the process started
      const ageSeconds = uptimeSeconds() - fields.startTime / this.clockTicks
      cpu = ageSeconds > 0 ? (ticks / this.clockTicks / ageSeconds) * 100 : 0
    } else {
      const seconds = (now - t.at) / 1000
      cpu = seconds > 0 ? ((ticks - t.ticks) / this.clockTicks / seconds) * 100 : 0
    }
    t.ticks = ticks
    t.at = now
    this.pageSize ||= pageSizeFromSelf()
    return { cpu: Math.max(0, cpu), memory: fields.rssPages * this.pageSize }
  }

  private forget(pid: number, t: Tracked): void {
    this.tracked.delete(pid)
    try {
      closeSync(t.fd)
    } catch {
      // closed already
    }
  }
}

function uptimeSeconds(): number {
  try {
    return Number.parseFloat(readFileSync('/proc/uptime', 'latin1'))
  } catch {
    return 0
  }
}

/**
 * Fields of a stat line, read as bytes: after the command name (which may
 * hold spaces and parentheses, so from the last ')'), field 3 is the state,
 * 14 and 15 utime and stime, 22 the start time, 24 the RSS in pages.
 */
export function parseStat(buf: Buffer, length: number): { state: number; utime: number; stime: number; startTime: number; rssPages: number } | null {
  let i = buf.lastIndexOf(0x29 /* ) */, length - 1)
  if (i < 0 || i + 2 >= length) return null
  i += 2
  const state = buf[i]!
  let field = 3
  let utime = 0
  let stime = 0
  let startTime = 0
  let rssPages = 0
  let value = 0
  for (i += 1; i < length && field < 24; i++) {
    const c = buf[i]!
    if (c === 0x20 || c === 0x0a) {
      if (field === 14) utime = value
      else if (field === 15) stime = value
      else if (field === 22) startTime = value
      field++
      value = 0
      if (field === 24) {
        // field 24 runs to the next space
        let j = i + 1
        while (j < length && buf[j]! >= 0x30 && buf[j]! <= 0x39) rssPages = rssPages * 10 + (buf[j++]! - 0x30)
      }
    } else if (c >= 0x30 && c <= 0x39) {
      value = value * 10 + (c - 0x30)
    }
  }
  return field >= 24 ? { state, utime, stime, startTime, rssPages } : null
}
