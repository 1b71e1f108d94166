import { agentOfKey } from '../queue/addressing.js'
import { CLI_ADDRESS_PREFIX } from '../daemon/handlers/queue.js'

/** The label every CLI address ('cli.PID-N', one per command run) is counted under: one series, not one per run. */
export const CLI_LABEL = 'cli'

/** Past this many distinct addresses the address → label cache starts over (CLI addresses never repeat). */
const MAX_CACHED_ADDRESSES = 10_000

/**
 * The `agent` label of an address or recipient id: 'worker:2' and 'worker'
 * → 'worker', any CLI address → 'cli'. Cached, so the per-event cost is one
 * map lookup (agentOfKey runs a regex).
 */
export class AgentLabels<T> {
  private readonly byAddress = new Map<string, T>()
  private readonly byAgent = new Map<string, T>()

  constructor(private readonly make: (agent: string) => T) {}

  of(address: string): T {
    const hit = this.byAddress.get(address)
    if (hit !== undefined) return hit
    const agent = address.startsWith(CLI_ADDRESS_PREFIX) ? CLI_LABEL : agentOfKey(address)
    let cell = this.byAgent.get(agent)
    if (cell === undefined) {
      cell = this.make(agent)
      this.byAgent.set(agent, cell)
    }
    if (this.byAddress.size >= MAX_CACHED_ADDRESSES) this.byAddress.clear()
    this.byAddress.set(address, cell)
    return cell
  }

  /** Every agent seen so far, with its cell. */
  entries(): IterableIterator<[string, T]> {
    return this.byAgent.entries()
  }
}
