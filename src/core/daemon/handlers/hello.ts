import { VersionMismatchError } from '../../errors/version-mismatch-error.js'
import type { ParamsOf, ResultOf } from '../../protocol/methods.js'
import { PROTOCOL_VERSION } from '../../protocol/version.js'
import type { Handler } from '../context.js'

/** The handshake: checks the protocol version and says who is calling. */
export const hello: Handler<ParamsOf<'hello'>, ResultOf<'hello'>> = (params, ctx, conn) => {
  if (params.version !== PROTOCOL_VERSION) {
    throw new VersionMismatchError(
      `this daemon speaks protocol ${PROTOCOL_VERSION}, the client ${params.version}: run 'orch daemon restart' after upgrading orch`,
      { daemon: PROTOCOL_VERSION, client: params.version },
    )
  }
  conn.client = params.client
  if (params.client === 'agent' && params.agent) conn.agent = params.agent
  return { version: PROTOCOL_VERSION, daemonPid: process.pid }
}
