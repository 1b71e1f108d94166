import type { MethodName, ParamsOf, ResultOf } from '../../protocol/methods.js'
import { isPlainObject } from '../../schema/problems.js'
import type { Handler } from '../context.js'
import { agentReady, agentsDelete, agentsDescribe, agentsList, agentsReload, agentsRestart, agentsResurrect, agentsStart, agentsStop } from './agents.js'
import { agentsEnv } from './agents-env.js'
import { agentsScale } from './agents-scale.js'
import { daemonShutdown, daemonStatus } from './daemon.js'
import { dashboardOpen } from './dashboard.js'
import { hello } from './hello.js'
import { daemonMetrics } from './metrics.js'
import { historyList, historyTrace } from './history.js'
import {
  queueAck,
  queueConsume,
  queueDead,
  queueExtend,
  queueLs,
  queueNack,
  queueProgress,
  queuePurge,
  queueReplay,
  queueSend,
  queueSendMany,
  queueSubscribe,
  queueUnsubscribe,
} from './queue.js'

export type HandlerMap = { [M in MethodName]: Handler<ParamsOf<M>, ResultOf<M>> }

/**
 * Answers an agent does not wait on go with its connection's next write, or
 * LAZY_ANSWER_MS later, instead of a write (and a wake-up of the agent) of
 * their own: its acks (the daemon took them when it read them), and its
 * requests, sends that name `replyTo` (the agent waits for the reply, which
 * then brings the answer along). An error is answered at once (in a
 * `queue.sendMany`, one send's error too), and so is every call of a CLI.
 */
export function answersLazily(method: string, params: Record<string, unknown>, result: unknown): boolean {
  if (method === 'queue.ack') return true
  if (method === 'queue.send') return params.replyTo !== undefined
  if (method === 'queue.sendMany') {
    const { results } = result as ResultOf<'queue.sendMany'>
    return (params.messages as unknown[]).every(isRequest) && results.every((r) => 'ids' in r)
  }
  return false
}

const isRequest = (m: unknown): boolean => isPlainObject(m) && m.replyTo !== undefined && m.replyTo !== null

/** One handler per method. */
export const handlers: HandlerMap = {
  hello,
  'daemon.status': daemonStatus,
  'daemon.metrics': daemonMetrics,
  'daemon.shutdown': daemonShutdown,
  'dashboard.open': dashboardOpen,
  'agents.start': agentsStart,
  'agents.list': agentsList,
  'agents.stop': agentsStop,
  'agents.restart': agentsRestart,
  'agents.reload': agentsReload,
  'agents.delete': agentsDelete,
  'agents.describe': agentsDescribe,
  'agents.resurrect': agentsResurrect,
  'agents.scale': agentsScale,
  'agents.env': agentsEnv,
  'agent.ready': agentReady,
  'queue.send': queueSend,
  'queue.sendMany': queueSendMany,
  'queue.consume': queueConsume,
  'queue.ack': queueAck,
  'queue.extend': queueExtend,
  'queue.progress': queueProgress,
  'queue.nack': queueNack,
  'queue.subscribe': queueSubscribe,
  'queue.unsubscribe': queueUnsubscribe,
  'queue.ls': queueLs,
  'queue.dead': queueDead,
  'queue.replay': queueReplay,
  'queue.purge': queuePurge,
  'history.trace': historyTrace,
  'history.list': historyList,
}
