import { timingSafeEqual } from 'node:crypto'
import { EXTERNAL_TYPE } from '../../config/defaults.js'
import { AgentRefusedError } from '../../errors/agent-refused-error.js'
import { BusyError } from '../../errors/busy-error.js'
import { DEFAULT_MAX_CONNECTIONS } from '../server.js'
import { VersionMismatchError } from '../../errors/version-mismatch-error.js'
import type { ParamsOf, ResultOf } from '../../protocol/methods.js'
import { PROTOCOL_VERSION } from '../../protocol/version.js'
import type { Connection } from '../connection.js'
import type { DaemonContext, Handler } from '../context.js'

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

/**
 * Only the process orch spawned speaks for an instance: it proves it with
 * the token orch put in its environment. An agent the config declares
 * external joins without one.
 */
function admitAgent(ctx: DaemonContext, conn: Connection, id: string, token: string | undefined, pid: number | undefined): void {
  const inst = ctx.supervisor.get(id)
  if (!inst) {
    const name = id.replace(/:\d+$/, '')
    const known = ctx.supervisor.all().map((i) => i.record.id)
    throw new AgentRefusedError(
      `no agent instance '${id}' is defined (known: ${known.join(', ') || 'none'}); ` +
        `to let a process started outside orch join, declare it in the config: { name: '${name}', type: '${EXTERNAL_TYPE}' }`,
      { agent: id },
    )
  }
  if (inst.record.agent.type === EXTERNAL_TYPE) {
    ctx.supervisor.externalConnected(inst, pid)
    conn.onClose(() => ctx.supervisor.externalDisconnected(inst))
    return
  }
  // during a reload, its new process too: it has its own token, and its hello wins the queue (the newest connection of an id receives)
  const expected = [inst.record.token, inst.successor?.token].filter((t): t is string => !!t)
  if (!token || !expected.some((e) => sameSecret(token, e))) {
    throw new AgentRefusedError(
      `${token ? 'wrong' : 'no'} token for agent '${id}': only the process orch started for it may say hello as it ` +
        `(the SDK sends ORCH_AGENT_TOKEN from its environment, new at each start); ` +
        `to let a process started outside orch join, declare it in the config with type: '${EXTERNAL_TYPE}'`,
      { agent: id },
    )
  }
}

/** The handshake: checks the protocol version and says who is calling. */
export const hello: Handler<ParamsOf<'hello'>, ResultOf<'hello'>> = (params, ctx, conn) => {
  if (params.version !== PROTOCOL_VERSION) {
    throw new VersionMismatchError(
      `this daemon speaks protocol ${PROTOCOL_VERSION}, the client ${params.version}: run 'orch daemon restart' after upgrading orch`,
      { daemon: PROTOCOL_VERSION, client: params.version },
    )
  }
  if (params.client === 'agent' && conn.reserved) {
    throw new BusyError(
      `the daemon has as many connections as it allows (ORCH_MAX_CONNECTIONS, default ${DEFAULT_MAX_CONNECTIONS}); the few kept beyond that are for the CLI: close some, or raise the limit`,
    )
  }
  if (params.client === 'agent' && params.agent) {
    // the server refuses a second hello, so this connection has no identity yet
    admitAgent(ctx, conn, params.agent, params.token, params.pid)
    conn.agent = params.agent
    conn.token = params.token ?? null
  }
  conn.client = params.client
  return { version: PROTOCOL_VERSION, daemonPid: process.pid }
}
