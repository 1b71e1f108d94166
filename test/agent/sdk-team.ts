// Shared set-up for the SDK tests: a real daemon on a fresh ORCH_HOME, fixture agents, and clients from the test itself.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { connect, type Agent, type AgentOptions } from '../../src/agent/index.js'
import { DaemonClient } from '../../src/core/client/daemon-client.js'
import type { AgentInfo } from '../../src/core/protocol/types.js'
import { cleanup, makeHome, orchJson, waitFor, writeConfig, type TestHome } from '../helpers/orch.js'

/** Long enough that `online` can only come from the SDK's ready(). */
export const READY_ONLY = { startGrace: '60s' }

export interface TeamOptions {
  /**
   * Ids of SDK clients the test itself will connect with `agent()`: declared
   * in the config as `type: 'external'`, since the daemon refuses an agent
   * hello it cannot place (and a spawned instance's id needs its token).
   */
  externals?: string[]
}

export class Team {
  private agents: Agent[] = []
  private clients: DaemonClient[] = []
  private externals = new Set<string>()
  private readonly agentLogs = new Map<string, Array<Record<string, unknown>>>()
  readonly t: TestHome = makeHome()

  /** Starts these agents and waits until each has signalled ready (external ones show online only once the test connects them). */
  async start(agents: Array<Record<string, unknown>>, opts: TeamOptions = {}): Promise<AgentInfo[]> {
    this.externals = new Set(opts.externals ?? [])
    const entries = [...agents.map((a) => ({ ...READY_ONLY, ...a })), ...[...this.externals].map((name) => ({ name, type: 'external' }))]
    const cfg = writeConfig(this.t, entries)
    await orchJson(['start', cfg])
    return waitFor(async () => {
      const ls = await this.ls()
      return ls.every((a) => a.status === 'online') && ls
    }, 'every agent online')
  }

  /** An SDK agent inside the test process, under an id given to start() in `externals`; its log lines are kept (agentLog). */
  async agent(id = 'tester', opts: Omit<AgentOptions, 'socket' | 'id' | 'logSink'> = {}): Promise<Agent> {
    if (!this.externals.has(id)) throw new Error(`the test connects as '${id}': pass it to team.start(agents, { externals: ['${id}'] })`)
    const lines: Array<Record<string, unknown>> = []
    this.agentLogs.set(id, lines)
    const a = await connect({ ...opts, socket: this.t.paths.socket, id, logSink: (l) => lines.push(JSON.parse(l) as Record<string, unknown>) })
    this.agents.push(a)
    return a
  }

  /** The log lines of an agent the test connected with agent(). */
  agentLog(id = 'tester'): Array<Record<string, unknown>> {
    return this.agentLogs.get(id) ?? []
  }

  /** A plain CLI connection, for queue.send as 'cli' and queue.dead. */
  async cli(): Promise<DaemonClient> {
    const c = await DaemonClient.connect(this.t.paths.socket, { client: 'cli' })
    this.clients.push(c)
    return c
  }

  /** The JSON lines an agent instance wrote to stdout (other lines skipped). */
  logLines(id: string): Array<Record<string, unknown>> {
    let text = ''
    try {
      text = readFileSync(join(this.t.paths.logsDir, `${id.replace(':', '.')}.out.log`), 'utf8')
    } catch {
      return []
    }
    return text.split('\n').flatMap((l) => {
      try {
        const v: unknown = JSON.parse(l)
        return typeof v === 'object' && v !== null ? [v as Record<string, unknown>] : []
      } catch {
        return []
      }
    })
  }

  /** `orch ls` without the test's external agents. */
  async ls(): Promise<AgentInfo[]> {
    return (await orchJson<AgentInfo[]>(['ls'])).filter((a) => !this.externals.has(a.name))
  }

  /** `orch ls` with everything, external agents too. */
  async lsAll(): Promise<AgentInfo[]> {
    return orchJson<AgentInfo[]>(['ls'])
  }

  /** Closes the test's own agents first: they would otherwise try to reconnect to the stopped daemon. */
  async stop(): Promise<void> {
    await Promise.all(this.agents.map((a) => a.close()))
    for (const c of this.clients) c.close()
    await cleanup(this.t)
  }
}
