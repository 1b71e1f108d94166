import type { Schema } from '../schema/field.js'
import type { AgentDescription, AgentInfo, DaemonStatus } from './types.js'

/** Every method the daemon answers: its params and its result. */
export interface Methods {
  hello: { params: { version: number; client: 'cli' | 'agent'; agent?: string }; result: { version: number; daemonPid: number } }
  'daemon.status': { params: Record<string, never>; result: DaemonStatus }
  'daemon.shutdown': { params: { stopAgents?: boolean; reason?: string }; result: { stopped: string[] } }
  'agents.start': {
    params: { configPath?: string; cwd?: string; only?: string; target?: string }
    result: { started: string[]; unchanged: string[]; agents: AgentInfo[] }
  }
  'agents.list': { params: Record<string, never>; result: AgentInfo[] }
  'agents.stop': { params: { target: string }; result: AgentInfo[] }
  'agents.restart': { params: { target: string }; result: AgentInfo[] }
  'agents.delete': { params: { target: string }; result: { deleted: string[] } }
  'agents.describe': { params: { name: string }; result: AgentDescription }
  'agents.resurrect': { params: Record<string, never>; result: { started: string[] } }
  'agent.ready': { params: Record<string, never>; result: { ok: true } }
}

export type MethodName = keyof Methods
export type ParamsOf<M extends MethodName> = Methods[M]['params']
export type ResultOf<M extends MethodName> = Methods[M]['result']

const target = { target: { kind: 'string', required: true, nonEmpty: true } } as const

/** Param schemas, checked by the daemon before a handler runs. */
export const METHOD_PARAMS: Record<MethodName, Schema> = {
  hello: {
    version: { kind: 'integer', required: true, min: 1 },
    client: { kind: 'enum', required: true, values: ['cli', 'agent'] },
    agent: { kind: 'string', nonEmpty: true },
  },
  'daemon.status': {},
  'daemon.shutdown': { stopAgents: { kind: 'boolean' }, reason: { kind: 'string' } },
  'agents.start': {
    configPath: { kind: 'string', nonEmpty: true },
    cwd: { kind: 'string', nonEmpty: true },
    only: { kind: 'string', nonEmpty: true },
    target: { kind: 'string', nonEmpty: true },
  },
  'agents.list': {},
  'agents.stop': target,
  'agents.restart': target,
  'agents.delete': target,
  'agents.describe': { name: { kind: 'string', required: true, nonEmpty: true } },
  'agents.resurrect': {},
  'agent.ready': {},
}

export function isMethodName(m: string): m is MethodName {
  return Object.prototype.hasOwnProperty.call(METHOD_PARAMS, m)
}
