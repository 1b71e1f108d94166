import type { IncomingMessage, ServerResponse } from 'node:http'
import { buildTraceTree, traceLogLines } from '../../cli/trace-tree.js'
import { lastLines, findLogFiles, tailOrder } from '../../cli/log-files.js'
import type { Connection } from '../daemon/connection.js'
import type { DaemonContext } from '../daemon/context.js'
import { agentsDescribe, agentsRestart, agentsStart, agentsStop } from '../daemon/handlers/agents.js'
import { historyList, historyTrace } from '../daemon/handlers/history.js'
import { queueReplay } from '../daemon/handlers/queue.js'
import { agentLogPaths } from '../paths.js'
import { resolveTarget } from '../supervisor/targets.js'
import { followLogFiles } from './log-follow.js'
import type { LiveHub } from './live-hub.js'
import { SseStream } from './sse.js'
import { overview, queueView } from './views.js'

/** Lines of an agent's log a page gets when it opens the agent, before the live ones. */
export const LOG_TAIL_LINES = 200

/** What a route answers: JSON (status 200), or nothing when it took the response over (a stream). */
export type RouteResult = unknown

export interface RouteInput {
  req: IncomingMessage
  res: ServerResponse
  url: URL
  /** the path's parts after /api/ */
  parts: string[]
}

type Route = (ctx: DaemonContext, hub: LiveHub, input: RouteInput) => Promise<RouteResult> | RouteResult

// The daemon's handlers that the page reuses never read the connection (only agent-only methods do).
const NO_CONNECTION = undefined as unknown as Connection

const ACTIONS = {
  restart: (ctx: DaemonContext, id: string) => agentsRestart({ target: id }, ctx, NO_CONNECTION),
  stop: (ctx: DaemonContext, id: string) => agentsStop({ target: id }, ctx, NO_CONNECTION),
  start: (ctx: DaemonContext, id: string) => agentsStart({ target: id }, ctx, NO_CONNECTION),
}

/** The lines of one instance's stdout and stderr: the last ones, then the new ones as they are written. */
function logStream(ctx: DaemonContext, hub: LiveHub, id: string, { req, res }: RouteInput): undefined {
  // an instance: a name of several instances has no log of its own
  if (!ctx.supervisor.get(id)) resolveTarget(ctx.supervisor, id)
  const stream = new SseStream(req, res)
  hub.adopt(stream)
  const stop = followLogFiles(agentLogPaths(ctx.paths, id), (lines) => stream.send('lines', lines), ctx.log)
  stream.whenClosed(stop)
  const files = tailOrder(findLogFiles(ctx.paths, id, ['out', 'err']).filter((f) => f.agent === id))
  const tail = files.flatMap((f) => lastLines(f, LOG_TAIL_LINES).map((l) => ({ stream: f.stream, line: l.line }))).slice(-LOG_TAIL_LINES)
  stream.send('lines', tail)
  return undefined
}

/** GET routes by their first part after /api/. */
export const GET_ROUTES: Record<string, Route> = {
  events: (_ctx, hub, { req, res }) => {
    hub.join(new SseStream(req, res))
    return undefined
  },
  snapshot: (ctx, hub) => ({ ...overview(ctx, hub.flow), queue: queueView(ctx) }),
  agents: (ctx, hub, input) => {
    const [, id, what] = input.parts
    if (!id) return overview(ctx, hub.flow).metrics.agents
    if (what === 'logs') return logStream(ctx, hub, id, input)
    return agentsDescribe({ name: id }, ctx, NO_CONNECTION)
  },
  history: async (ctx, _hub, { url }) => {
    const agent = url.searchParams.get('agent') || undefined
    const limit = Math.min(500, Math.max(1, Number(url.searchParams.get('limit')) || 50))
    if (agent !== undefined) resolveTarget(ctx.supervisor, agent)
    return historyList({ agent, limit }, ctx, NO_CONNECTION)
  },
  trace: async (ctx, _hub, { parts }) => {
    const { traceId, messages } = await historyTrace({ id: parts[1] ?? '' }, ctx, NO_CONNECTION)
    const instances = new Set<string>()
    for (const m of messages) for (const who of [m.instance, m.from, m.to]) if (who !== undefined && !who.includes('.')) instances.add(who)
    return buildTraceTree(traceId, messages, traceLogLines(ctx.paths, instances, traceId, new Set(messages.map((m) => m.id))))
  },
}

/** POST routes: /api/agents/ID/restart|stop|start, /api/dead/ID/replay. */
export const POST_ROUTES: Record<string, Route> = {
  agents: async (ctx, _hub, { parts }) => {
    const [, id, action] = parts
    const act = ACTIONS[action as keyof typeof ACTIONS]
    if (!id || !act || !Object.hasOwn(ACTIONS, action!)) return null
    return { agents: await act(ctx, id) }
  },
  dead: async (ctx, _hub, { parts }) => {
    const [, id, action] = parts
    if (!id || action !== 'replay') return null
    return queueReplay({ id }, ctx, NO_CONNECTION)
  },
}
