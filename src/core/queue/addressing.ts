import { FIRST_INSTANCE_INDEX, TOPIC_PREFIX } from './constants.js'
import { UnknownRecipientError } from './errors/unknown-recipient-error.js'

const INSTANCE_ID = /^(.+):(\d+)$/

/** 'worker:2' → { name: 'worker', index: 2 }; anything else → undefined. */
export function parseInstanceId(id: string): { name: string; index: number } | undefined {
  const match = INSTANCE_ID.exec(id)
  if (!match) return undefined
  return { name: match[1]!, index: Number(match[2]) }
}

/** The agent a dispatch key belongs to: 'worker:2' and 'worker' both → 'worker'. */
export function agentOfKey(key: string): string {
  return parseInstanceId(key)?.name ?? key
}

export function isTopicAddress(to: string): boolean {
  return to.startsWith(TOPIC_PREFIX)
}

/**
 * The queues an attached instance draws from: its own and its agent name's.
 * A single-instance agent's id is its bare name; it also takes what was
 * addressed to 'name:0', which is the same instance spelled out.
 */
export function keysOfRecipient(id: string, name: string): string[] {
  if (id !== name) return [id, name]
  return [id, `${name}:${FIRST_INSTANCE_INDEX}`]
}

/**
 * Replies wait apart from work, under their own dispatch key, so a recipient
 * whose concurrency is used up (a handler awaiting `request()`) still gets
 * the reply it waits for. NUL cannot appear in an address.
 */
export function replyKeyOf(key: string): string {
  return `${key}\u0000reply`
}

/**
 * The instance ids of an agent of `count` instances, in order, as the daemon
 * names them (daemon/apply-config.ts `instanceId`): the bare name for one.
 */
export function instanceIds(name: string, count: number): string[] {
  if (count === 1) return [name]
  return Array.from({ length: count }, (_, i) => `${name}:${FIRST_INSTANCE_INDEX + i}`)
}

/** Known agents (name → instance count), for validating `to`. */
export class AgentDirectory {
  private agents = new Map<string, number>()
  private instances = new Map<string, string[]>()

  set(agents: ReadonlyMap<string, number>): void {
    this.agents = new Map(agents)
    this.instances = new Map([...agents].map(([name, count]) => [name, instanceIds(name, count)]))
  }

  /** The instance ids of a known agent, in order; undefined for a name it does not know. */
  instancesOf(name: string): readonly string[] | undefined {
    return this.instances.get(name)
  }

  /** Whether `to` is a known agent name or one of its instances (attached recipients aside). */
  serves(to: string): boolean {
    if (this.agents.has(to)) return true
    const instance = parseInstanceId(to)
    const count = instance && this.agents.get(instance.name)
    return count !== undefined && instance !== undefined && instance.index >= FIRST_INSTANCE_INDEX && instance.index < FIRST_INSTANCE_INDEX + count
  }

  /**
   * Checks a non-topic address and returns it as the dispatch key. Also
   * accepts the id of any attached recipient (the CLI, or an SDK client
   * that is not in the config), so replies can reach it.
   */
  resolve(to: string, isAttached: (id: string) => boolean): string {
    if (this.agents.has(to)) return to
    const instance = parseInstanceId(to)
    if (instance) {
      const count = this.agents.get(instance.name)
      if (count !== undefined) {
        const last = FIRST_INSTANCE_INDEX + count - 1
        if (instance.index >= FIRST_INSTANCE_INDEX && instance.index <= last) return to
        if (!isAttached(to)) {
          throw new UnknownRecipientError(
            to,
            this.names(),
            `agent '${instance.name}' has ${count} instance(s): ${FIRST_INSTANCE_INDEX}..${last}`,
          )
        }
      }
    }
    if (isAttached(to)) return to
    throw new UnknownRecipientError(to, this.names())
  }

  private names(): string[] {
    return [...this.agents.keys()].sort()
  }
}
