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

/** Every live (non-zombie) process, from one scan of /proc. */
function* liveProcesses(): Generator<ProcStat> {
  let entries: string[]
  try {
    entries = readdirSync('/proc')
  } catch {
    return
  }
  for (const e of entries) {
    const c = e.charCodeAt(0)
    if (c < 48 || c > 57) continue
    const st = readProcStat(Number(e))
    if (st && st.state !== 'Z' && st.state !== 'X') yield st
  }
}

/** Process groups that still have a live (non-zombie) member, from one scan of /proc. */
export function liveProcessGroups(): Map<number, number[]> {
  const groups = new Map<number, number[]>()
  for (const st of liveProcesses()) {
    const members = groups.get(st.pgrp)
    if (members) members.push(st.pid)
    else groups.set(st.pgrp, [st.pid])
  }
  return groups
}

/** A process that leads its own group and carries one home's agent environment. */
export interface AgentLeader {
  pid: number
  procStart: number
  /** ORCH_AGENT_TOKEN from its environment; null when it has none */
  token: string | null
}

/** The `KEY=value` entries of a NUL-separated /proc/<pid>/environ that `want` names. */
function environOf(pid: number, want: readonly string[]): Map<string, string> | null {
  let text: string
  try {
    text = readFileSync(`/proc/${pid}/environ`, 'utf8')
  } catch {
    return null // gone, or another user's
  }
  const found = new Map<string, string>()
  for (const entry of text.split('\0')) {
    const eq = entry.indexOf('=')
    const key = entry.slice(0, eq)
    if (eq > 0 && want.includes(key)) found.set(key, entry.slice(eq + 1))
  }
  return found
}

/**
 * The agents of `home` that run now, by instance id, from one scan of /proc:
 * processes that lead their own group (orch spawns each agent detached;
 * its children share the group and are not counted) with `ORCH_HOME=home`
 * and an `ORCH_AGENT_ID` in their environment. Newest first when an id has
 * several. This finds an agent whose record a daemon killed at the wrong
 * moment never wrote: spawned, but not yet saved.
 */
export function findAgentLeaders(home: string): Map<string, AgentLeader[]> {
  const byId = new Map<string, AgentLeader[]>()
  for (const st of liveProcesses()) {
    if (st.pgrp !== st.pid) continue
    const env = environOf(st.pid, ['ORCH_HOME', 'ORCH_AGENT_ID', 'ORCH_AGENT_TOKEN'])
    const id = env?.get('ORCH_AGENT_ID')
    if (!env || !id || env.get('ORCH_HOME') !== home) continue
    const list = byId.get(id) ?? []
    list.push({ pid: st.pid, procStart: st.startTime, token: env.get('ORCH_AGENT_TOKEN') || null })
    byId.set(id, list)
  }
  for (const list of byId.values()) list.sort((a, b) => b.procStart - a.procStart)
  return byId
}
