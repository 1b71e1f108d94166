import { groupWaiter, signalGroup } from './group-waiter.js'

/** How long SIGKILL may take to clear a group before we report survivors. */
export const SIGKILL_WAIT_MS = 2_000

export interface StopResult {
  /** true when SIGKILL was needed */
  forced: boolean
  /** pids still alive after SIGKILL (uninterruptible sleep, another user's process...) */
  survivors: number[]
  /** the group belongs to someone we may not signal (EPERM) */
  denied: boolean
}

/** Signal the whole group, wait `timeoutMs`, SIGKILL, and confirm nothing of the group is left. */
export async function stopGroup(pgid: number, signal: NodeJS.Signals, timeoutMs: number): Promise<StopResult> {
  const sent = signalGroup(pgid, signal)
  if (sent !== 'sent') return { forced: false, survivors: [], denied: sent === 'denied' }
  const left = await groupWaiter.wait(pgid, timeoutMs)
  if (left.length === 0) return { forced: false, survivors: [], denied: false }
  signalGroup(pgid, 'SIGKILL')
  return { forced: true, survivors: await groupWaiter.wait(pgid, SIGKILL_WAIT_MS), denied: false }
}
