import type { MessageHandler } from './types.js'

/** The handlers registered with onMessage: one per type, plus a catch-all. */
export class HandlerTable {
  private readonly byType = new Map<string, MessageHandler>()
  private catchAll: MessageHandler | undefined

  get empty(): boolean {
    return this.byType.size === 0 && this.catchAll === undefined
  }

  /** Replaces any handler for the same type (or the catch-all); returns a function that removes it. */
  set(type: string | undefined, handler: MessageHandler): () => void {
    if (type === undefined) this.catchAll = handler
    else this.byType.set(type, handler)
    return () => {
      if (type === undefined) {
        if (this.catchAll === handler) this.catchAll = undefined
      } else if (this.byType.get(type) === handler) {
        this.byType.delete(type)
      }
    }
  }

  /** Whether a handler is registered for exactly this type (the catch-all does not count). */
  hasTyped(type: string): boolean {
    return this.byType.has(type)
  }

  /** The handler for this type, else the catch-all. */
  find(type: string): MessageHandler | undefined {
    return this.byType.get(type) ?? this.catchAll
  }
}
