import type { MethodName, ParamsOf, ResultOf } from '../../protocol/methods.js'
import { finishedMessages, traceOf } from '../../history/trace.js'
import type { Handler } from '../context.js'

type H<M extends MethodName> = Handler<ParamsOf<M>, ResultOf<M>>

/** `orch queue history` lists this many unless told. */
export const DEFAULT_HISTORY_LIMIT = 50

/** Reads the whole history (what the bound keeps: 100,000 events by default, a few tens of MB) per call: for people, not for a hot path. */
export const historyTrace: H<'history.trace'> = async (p, ctx) => traceOf(await ctx.history.read(), p.id)

export const historyList: H<'history.list'> = async (p, ctx) => ({
  messages: finishedMessages(await ctx.history.read(), p.agent, p.limit ?? DEFAULT_HISTORY_LIMIT),
})
