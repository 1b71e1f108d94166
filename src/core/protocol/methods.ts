import type * as v from 'valibot'
import { AGENT_METHODS } from './schemas/agent-methods.js'
import { DAEMON_METHODS } from './schemas/daemon-methods.js'
import { INSPECT_METHODS } from './schemas/inspect-methods.js'
import type { ParamsSchema } from './schemas/method.js'
import type { SendManyResultSchema, SendParamsSchema } from './schemas/send.js'

/**
 * Every method the daemon answers, its params and its result as schemas:
 * the daemon checks params with them, the types below come from them, and
 * docs/protocol.md's tables are generated from them (npm run docs:gen).
 */
export const METHODS = { ...AGENT_METHODS, ...INSPECT_METHODS, ...DAEMON_METHODS }

type Specs = typeof METHODS
export type MethodName = keyof Specs

/** No params at all reads `Record<string, never>`, so a call cannot pass stray ones. */
type ParamsType<S extends ParamsSchema> = keyof v.InferOutput<S> extends never ? Record<string, never> : v.InferOutput<S>

type MethodTypes = { [M in MethodName]: { params: ParamsType<Specs[M]['params']>; result: v.InferOutput<Specs[M]['result']> } }
/** Every method's params and result, as the daemon's handlers receive and return them (an interface, so generic call sites resolve it). */
export interface Methods extends MethodTypes {}
export type ParamsOf<M extends MethodName> = Methods[M]['params']
export type ResultOf<M extends MethodName> = Methods[M]['result']

export type SendParams = v.InferOutput<typeof SendParamsSchema>
export type SendManyResult = v.InferOutput<typeof SendManyResultSchema>

/** The schema the daemon checks each method's params with before its handler runs. */
export const PARAMS_CHECKS = Object.fromEntries(
  Object.entries(METHODS).map(([name, spec]: [string, { params: ParamsSchema; checkedAs?: ParamsSchema }]) => [name, spec.checkedAs ?? spec.params]),
) as Record<MethodName, ParamsSchema>

export function isMethodName(m: string): m is MethodName {
  return Object.prototype.hasOwnProperty.call(METHODS, m)
}
