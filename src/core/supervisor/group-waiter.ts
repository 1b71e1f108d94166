import { liveProcessGroups } from './proc.js'

const FIRST_POLL_MS = 5
const MAX_POLL_MS = 50

interface Waiter {
  pgid: number
  deadline: number
  resolve: (survivors: number[]) => void
}

/**
 * Waits for process groups to empty. One shared scan of /proc serves every
 * waiter, so stopping 50 agents at once costs one scan per tick, not 50.
 */
class GroupWaiter {
  private waiters: Waiter[] = []
  private timer: NodeJS.Timeout | null = null
  private interval = FIRST_POLL_MS

  /** Resolves with [] when no live process is left in the group, or with the survivors at the deadline. */
  wait(pgid: number, timeoutMs: number): Promise<number[]> {
    return new Promise((resolve) => {
      this.waiters.push({ pgid, deadline: Date.now() + timeoutMs, resolve })
      this.interval = FIRST_POLL_MS
      this.schedule()
    })
  }

  private schedule(): void {
    if (this.timer || this.waiters.length === 0) return
    this.timer = setTimeout(() => this.tick(), this.interval)
  }

  private tick(): void {
    this.timer = null
    const groups = liveProcessGroups()
    const now = Date.now()
    this.waiters = this.waiters.filter((w) => {
      const members = groups.get(w.pgid)
      if (!members) w.resolve([])
      else if (now >= w.deadline) w.resolve(members)
      else return true
      return false
    })
    this.interval = Math.min(MAX_POLL_MS, this.interval * 2)
    this.schedule()
  }
}

export const groupWaiter = new GroupWaiter()

/** Sends a signal to a whole process group: 'gone' when no process is left in it, 'denied' when we may not signal it. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): 'sent' | 'gone' | 'denied' {
  try {
    process.kill(-pgid, signal)
    return 'sent'
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'EPERM') return 'denied'
    if (code === 'ESRCH') return 'gone'
    // A signal name kill(2) does not know (a record saved before killSignal was checked) is not "gone": stop it the default way.
    return signal === 'SIGTERM' ? 'gone' : signalGroup(pgid, 'SIGTERM')
  }
}
