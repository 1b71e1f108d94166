import type { FSWatcher } from 'chokidar'
import { WATCH_DEBOUNCE_MS } from '../config/defaults.js'
import type { ResolvedAgent } from '../config/types.js'
import type { Logger } from '../log/logger.js'
import type { Supervisor } from '../supervisor/supervisor.js'
import { watchIgnorer } from './watch-ignore.js'

export { WATCH_DEBOUNCE_MS }

interface Entry {
  /** what the watcher was made from: a change of it makes a new one */
  key: string
  watcher: FSWatcher
  timer?: NodeJS.Timeout
}

/** What an agent's watcher depends on; records written before ignoreWatch existed lack it. */
function scopeOf(agent: ResolvedAgent): { cwd: string; watch: string[]; ignore: string[] } {
  return { cwd: agent.cwd, watch: agent.watch, ignore: agent.ignoreWatch ?? [] }
}

/**
 * `watch: true` or `watch: ['./src']` restarts an agent when a watched file
 * changes, like pm2's watch; `ignoreWatch`, node_modules, .git and ORCH_HOME
 * are left out (watch-ignore.ts). One chokidar watcher per agent name,
 * replaced when its definition changes; chokidar is loaded only when some
 * agent watches.
 */
export class FileWatcher {
  private readonly watchers = new Map<string, Entry>()

  constructor(
    private readonly supervisor: Supervisor,
    private readonly log: Logger,
    private readonly home: string,
  ) {}

  /** Makes the watchers match the agents the supervisor knows. */
  async sync(): Promise<void> {
    const wanted = new Map<string, ReturnType<typeof scopeOf>>()
    for (const inst of this.supervisor.all()) {
      if (inst.record.agent.watch.length > 0) wanted.set(inst.record.name, scopeOf(inst.record.agent))
    }
    for (const [name, w] of this.watchers) {
      const scope = wanted.get(name)
      if (!scope || JSON.stringify(scope) !== w.key) {
        clearTimeout(w.timer)
        await w.watcher.close()
        this.watchers.delete(name)
      }
    }
    if (wanted.size === 0) return
    const { watch } = await import('chokidar')
    for (const [name, scope] of wanted) {
      if (this.watchers.has(name)) continue
      const ignored = watchIgnorer({ ...scope, home: this.home })
      const lost = scope.watch.filter((p) => ignored(p))
      if (lost.length > 0) this.log.warn('watched paths that are always ignored (ORCH_HOME, node_modules, .git or ignoreWatch)', { agent: name, paths: lost })
      const watcher = watch(scope.watch, { ignoreInitial: true, ignored: (p: string) => ignored(p) })
      const entry: Entry = { key: JSON.stringify(scope), watcher }
      watcher.on('all', (_event: string, file: string) => {
        clearTimeout(entry.timer)
        entry.timer = setTimeout(() => void this.restart(name, file), WATCH_DEBOUNCE_MS)
      })
      // from here on a change is seen (tests wait for this line)
      watcher.on('ready', () => this.log.info('watching files', { agent: name, paths: scope.watch, ignore: scope.ignore }))
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
