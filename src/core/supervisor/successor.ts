import type { AgentProcess } from './spawner.js'

/**
 * The new process of a reload (`orch reload`), started next to the
 * instance's process, which keeps running and serving until this one is
 * online. It has its own token (its hello is admitted next to the old
 * process's connection, and being the newer one it takes the queue), its
 * own start timer and its own exit watcher: until it takes over, nothing of
 * it touches the instance's attempt, state or restart policy.
 */
export interface Successor {
  /** its ORCH_AGENT_TOKEN */
  readonly token: string
  /** the instance's attempt when the reload began: another one by now means it was stopped, crashed or restarted meanwhile */
  readonly attempt: number
  proc?: AgentProcess
  timer?: NodeJS.Timeout
  /** it signalled ready before its spawn was reported */
  readyEarly: boolean
  /** over: it took over, or failed */
  settled: boolean
  /** where its exit goes: a failed reload until it takes over, the instance's lifecycle after */
  exitTo: (code: number | null, signal: string | null) => void
  /** the reload of this instance: resolves once the old process is gone, rejects when the new one failed */
  readonly done: Promise<void>
  resolve(): void
  reject(err: Error): void
}

export function newSuccessor(token: string, attempt: number): Successor {
  let resolve!: () => void
  let reject!: (err: Error) => void
  const done = new Promise<void>((res, rej) => {
    resolve = res
    reject = rej
  })
  // a reload nobody awaits any more (its request's connection closed) must not be an unhandled rejection
  done.catch(() => {})
  return { token, attempt, readyEarly: false, settled: false, exitTo: () => {}, done, resolve, reject }
}
