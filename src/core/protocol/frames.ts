import { isPlainObject } from '../schema/values.js'

/** A call. `id` is chosen by the caller and echoed in the response, so many calls can be in flight. */
export interface RequestFrame {
  id: number | string
  method: string
  params?: unknown
}

export interface WireError {
  code: string
  message: string
  data?: unknown
}

export type ResponseFrame =
  | { id: number | string | null; result: unknown }
  | { id: number | string | null; error: WireError }

/** Pushed by the daemon without a request: messages for agents, state changes. */
export interface EventFrame {
  event: string
  data: unknown
}

export function isRequestFrame(v: unknown): v is RequestFrame {
  return isPlainObject(v) && (typeof v.id === 'number' || typeof v.id === 'string') && typeof v.method === 'string'
}

export function isResponseFrame(v: unknown): v is ResponseFrame {
  return isPlainObject(v) && 'id' in v && ('result' in v || 'error' in v)
}

export function isEventFrame(v: unknown): v is EventFrame {
  return isPlainObject(v) && typeof v.event === 'string'
}
