import type { FSWatcher } from 'chokidar'
import type { Logger } from '../log/logger.js'
import type { Supervisor } from '../supervisor/supervisor.js'

/** Changes closer together than this restart an agent once. */
export const WATCH_DEBOUNCE_MS = 300
const IGNORED = /(^|[/\\])(node_modules|\.git)([/\\]|$)/

/**
 * `watch: ['./src']` restarts an agent when a watched file changes, like
 * pm2's watch. One chokidar watcher per agent name, replaced when its
 * definition changes; chokidar is loaded only when some agent watches.
 */
export class FileWatcher {
  private readonly watchers = new Map<string, { paths: string; watcher: FSWatcher; timer?: NodeJS.Timeout }>()

  constructor(
    private readonly supervisor: Supervisor,
    private readonly log: Logger,
  ) {}

  /** Makes the watchers match the agents the supervisor knows. */
  async sync(): Promise<void> {
    const wanted = new Map<string, string[]>()
    for (const inst of this.supervisor.all()) {
      if (inst.record.agent.watch.length > 0) wanted.set(inst.record.name, inst.record.agent.watch)
    }
    for (const [name, w] of this.watchers) {
      if (wanted.get(name)?.join('\0') !== w.paths) {
        clearTimeout(w.timer)
        await w.watcher.close()
        this.watchers.delete(name)
      }
    }
    if (wanted.size === 0) return
    const { watch } = await import('chokidar')
    for (const [name, paths] of wanted) {
      if (this.watchers.has(name)) continue
      const watcher = watch(paths, { ignoreInitial: true, ignored: (p: string) => IGNORED.test(p) })
      const entry: { paths: string; watcher: FSWatcher; timer?: NodeJS.Timeout } = { paths: paths.join('\0'), watcher }
      watcher.on('all', (_event: string, file: string) => {
        clearTimeout(entry.timer)
        entry.timer = setTimeout(() => void this.restart(name, file), WATCH_DEBOUNCE_MS)
      })
      watcher.on('error', (err: unknown) => this.log.error('watch failed', { agent: name, err }))
      this.watchers.set(name, entry)
    }
  }

  private async restart(name: string, file: string): Promise<void> {
    const reason = `file changed: ${file}`
    for (const inst of this.supervisor.ofAgent(name)) {
      if (inst.record.desired !== 'running') continue
      await this.supervisor.stop(inst, reason, true)
      // A user may have stopped or deleted it while it stopped.
      if (inst.record.desired === 'running') this.supervisor.start(inst, reason)
    }
  }

  async close(): Promise<void> {
    for (const w of this.watchers.values()) {
      clearTimeout(w.timer)
      await w.watcher.close()
    }
    this.watchers.clear()
  }
}
