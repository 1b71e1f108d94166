import type * as v from 'valibot'
import type { ErrorCodeValue } from '../error-codes.js'

/** An object schema of params (the daemon checks them with it, and lists the keys it knows). */
export type ParamsSchema = v.ObjectSchema<v.ObjectEntries, v.ErrorMessage<v.ObjectIssue> | undefined>

/**
 * One method of the protocol: its params and its result, as schemas (the
 * types, the daemon's check and the docs all come from these), and what
 * docs/protocol.md says about it.
 */
export interface MethodSpec<P extends ParamsSchema = ParamsSchema, R extends v.GenericSchema = v.GenericSchema> {
  params: P
  result: R
  /** who may call it, when it is not anyone who said hello */
  caller?: 'agent' | 'agent, or consuming'
  /** what it does, for people: one or two sentences */
  doc: string
  /** the codes it answers on purpose (besides E_BAD_PARAMS for params that do not fit) */
  errors?: readonly ErrorCodeValue[]
  /**
   * Checked on the wire instead of `params`, when the method checks part of
   * its params itself (queue.sendMany checks each send on its own, so one bad
   * send fails alone).
   */
  checkedAs?: ParamsSchema
}

export const method = <P extends ParamsSchema, R extends v.GenericSchema>(spec: MethodSpec<P, R>): MethodSpec<P, R> => spec
