import type { InstanceRecord } from '../../../../src/core/store/instance-record.js'
import type { AgentLeader } from '../../../../src/core/supervisor/proc.js'
import type { AgentProcess, ProcessProbe, Spawner } from '../../../../src/core/supervisor/spawner.js'
import type { StopResult } from '../../../../src/core/supervisor/stop-group.js'

/** A process that lives only in this test: it ends when the test says, or when the fake spawner stops it. */
export class FakeProcess implements AgentProcess {
  private exitFn: ((code: number | null, signal: string | null) => void) | null = null
  ended = false

  constructor(
    readonly pid: number,
    readonly procStart: number | null,
    private readonly table: FakeSpawner,
  ) {}

  onExit(fn: (code: number | null, signal: string | null) => void): void {
    this.exitFn = fn
  }

  detach(): void {
    this.exitFn = null
  }

  /** The process ends: its pid is free and the supervisor hears of it (if it still listens). */
  exit(code: number | null, signal: string | null = null): void {
    if (this.ended) return
    this.ended = true
    this.table.alive.delete(this.pid)
    this.exitFn?.(code, signal)
  }
}

export interface StopCall {
  pgid: number
  signal: NodeJS.Signals
  timeoutMs: number
}

/**
 * Spawner and process table in one, driven by fake timers: a spawn resolves
 * at the next microtask; a stop ends the process after `stopDelayMs` (or
 * with SIGKILL at the timeout when the pid ignores its signal).
 */
export class FakeSpawner implements Spawner, ProcessProbe {
  /** live pids and their start times: what /proc would say */
  readonly alive = new Map<number, number>()
  readonly spawned: Array<{ id: string; proc: FakeProcess; token: string | null | undefined }> = []
  readonly stops: StopCall[] = []
  readonly leftoversKilled: number[] = []
  /** pids that ignore the polite signal (SIGKILL at the kill timeout) */
  readonly ignoresSignal = new Set<number>()
  /** what stopGroup reports instead of a clean stop */
  stopOutcome: Partial<StopResult> = {}
  /** the next spawn fails with this error */
  failNext: Error | null = null
  /** a spawn resolves only when released (to test what happens while it is under way) */
  holdSpawns = false
  private held: Array<() => void> = []
  private nextPid = 1000
  stopDelayMs = 10

  async spawn(record: InstanceRecord): Promise<FakeProcess> {
    if (this.failNext) {
      const err = this.failNext
      this.failNext = null
      throw err
    }
    if (this.holdSpawns) await new Promise<void>((resolve) => this.held.push(resolve))
    const pid = this.nextPid++
    const proc = new FakeProcess(pid, pid * 10, this)
    this.alive.set(pid, proc.procStart!)
    this.spawned.push({ id: record.id, proc, token: record.token })
    return proc
  }

  releaseSpawns(): void {
    this.holdSpawns = false
    for (const r of this.held.splice(0)) r()
  }

  /** A process of ours outside the spawner (as a previous daemon left it). */
  adoptable(pid: number, procStart: number): void {
    this.alive.set(pid, procStart)
  }

  last(id: string): FakeProcess {
    const s = this.spawned.filter((x) => x.id === id).at(-1)
    if (!s) throw new Error(`nothing spawned for ${id}`)
    return s.proc
  }

  count(id: string): number {
    return this.spawned.filter((x) => x.id === id).length
  }

  async stopGroup(pgid: number, signal: NodeJS.Signals, timeoutMs: number): Promise<StopResult> {
    this.stops.push({ pgid, signal, timeoutMs })
    const forced = this.ignoresSignal.has(pgid)
    await new Promise((resolve) => setTimeout(resolve, forced ? timeoutMs : this.stopDelayMs))
    const result = { forced, survivors: [], denied: false, ...this.stopOutcome }
    if (!result.denied && result.survivors.length === 0) this.end(pgid, forced ? 'SIGKILL' : signal)
    return result
  }

  killLeftovers(pgid: number): void {
    this.leftoversKilled.push(pgid)
  }

  /** agents running without a saved record (a daemon died between spawn and save), as /proc would show them */
  readonly leaders = new Map<string, AgentLeader[]>()

  agentLeaders(): Map<string, AgentLeader[]> {
    return this.leaders
  }

  isSameProcess(pid: number, procStart: number | null): boolean {
    return procStart !== null && this.alive.get(pid) === procStart
  }

  private end(pid: number, signal: string): void {
    const s = this.spawned.find((x) => x.proc.pid === pid)
    if (s) s.proc.exit(null, signal)
    else this.alive.delete(pid)
  }
}
