import { AsyncLocalStorage } from 'node:async_hooks'
import type { AgentMessage } from './types.js'

interface Handling {
  message: AgentMessage
}

const storage = new AsyncLocalStorage<Handling>()

/** Runs a handler with `message` as the message being handled, for everything it awaits too. */
export function runHandling<T>(message: AgentMessage, fn: () => T): T {
  return storage.run({ message }, fn)
}

/** The message whose handler is running (in this async context), if any. */
export function currentMessage(): AgentMessage | undefined {
  return storage.getStore()?.message
}

/** Runs `fn` outside any handler's context: for background work that merely started inside a handler. */
export function outsideHandling<T>(fn: () => T): T {
  return storage.exit(fn)
}
