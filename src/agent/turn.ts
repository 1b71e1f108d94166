import { outsideHandling } from './context.js'

/**
 * The agent's batched writes of one turn of the event loop (its acks, its
 * sends) run in ONE setImmediate callback, so their frames leave in one
 * write: the client corks its socket until the callback's end. One write
 * instead of two is a system call less here, and a wake-up and a read less
 * in the daemon (docs/benchmarks.md).
 */
export class Turn {
  private tasks: Array<() => void> = []

  /** Runs `task` once, in this turn's flush (after the I/O of this turn, before the next poll). */
  later(task: () => void): void {
    // scheduled from a handler, the flush must not run (nor log) as part of that handler's message
    if (this.tasks.push(task) === 1) outsideHandling(() => setImmediate(() => this.run()))
  }

  /** Every task runs, even after one throws (a lost flush would leave its batch unsent for good); the first error is thrown after. */
  private run(): void {
    const tasks = this.tasks
    this.tasks = []
    let failed: { err: unknown } | undefined
    for (const task of tasks) {
      try {
        task()
      } catch (err) {
        failed ??= { err }
      }
    }
    if (failed) throw failed.err
  }
}
