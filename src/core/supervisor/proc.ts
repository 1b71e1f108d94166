import { readdirSync, readFileSync } from 'node:fs'

/**
 * Linux /proc readers. A pid alone can be reused by the kernel, so an agent
 * is identified by pid + process start time (clock ticks since boot, field 22
 * of /proc/<pid>/stat), which never repeats for a pid.
 */
export interface ProcStat {
  pid: number
  state: string
  ppid: number
  pgrp: number
  startTime: number
}

export function readProcStat(pid: number): ProcStat | null {
  let text: string
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'latin1')
  } catch {
    return null
  }
  // The command name (field 2) may hold spaces and parentheses: split after the last ')'.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ')
  return { pid, state: rest[0]!, ppid: Number(rest[1]), pgrp: Number(rest[2]), startTime: Number(rest[19]) }
}

/** Start time of a live (non-zombie) process, or null when there is none. */
export function procStartTime(pid: number): number | null {
  const st = readProcStat(pid)
  return st && st.state !== 'Z' && st.state !== 'X' ? st.startTime : null
}

/** True when `pid` runs and is the very process that started at `startTime`; with no start time known, never. */
export function isSameProcess(pid: number, startTime: number | null): boolean {
  return startTime !== null && procStartTime(pid) === startTime
}

/** Process groups that still have a live (non-zombie) member, from one scan of /proc. */
export function liveProcessGroups(): Map<number, number[]> {
  const groups = new Map<number, number[]>()
  let entries: string[]
  try {
    entries = readdirSync('/proc')
  } catch {
    return groups
  }
  for (const e of entries) {
    const c = e.charCodeAt(0)
    if (c < 48 || c > 57) continue
    const st = readProcStat(Number(e))
    if (!st || st.state === 'Z' || st.state === 'X') continue
    const members = groups.get(st.pgrp)
    if (members) members.push(st.pid)
    else groups.set(st.pgrp, [st.pid])
  }
  return groups
}
