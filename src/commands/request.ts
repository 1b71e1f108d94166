import { randomUUID } from 'node:crypto'
import * as Args from '@oclif/core/args'
import { OrchCommand } from '../cli/base-command.js'
import { checkFrameSize, duration, sendFlags, sendParams } from '../cli/send-flags.js'
import type { DaemonClient } from '../core/client/daemon-client.js'
import { DaemonUnreachableError } from '../core/errors/daemon-unreachable-error.js'
import { TimeoutError } from '../core/errors/timeout-error.js'
import type { EventFrame } from '../core/protocol/frames.js'
import { isEvent } from '../core/protocol/events.js'
import { PushedEvent, type WireMessage } from '../core/protocol/types.js'

const DEFAULT_TIMEOUT_MS = 30_000

/**
 * Resolves with the first pushed message answering `correlationId`; every
 * message pushed here is acked. Rejects when the connection closes: the
 * reply address lives and dies with it, so waiting longer is pointless.
 */
function awaitReply(client: DaemonClient, correlationId: string, requestType: string): { reply: Promise<WireMessage>; stop: () => void } {
  let onEvent: (frame: EventFrame) => void = () => {}
  let onClose: () => void = () => {}
  const reply = new Promise<WireMessage>((resolve, reject) => {
    onEvent = (frame) => {
      if (!isEvent(frame, PushedEvent.MESSAGE)) return
      const m = frame.data
      // the CLI's address only ever receives answers: ack whatever comes, keep ours
      client.call('queue.ack', { id: m.id }).catch(() => {})
      if (m.correlationId === correlationId && (m.inReplyTo !== undefined || m.type !== requestType)) resolve(m)
    }
    onClose = () =>
      reject(
        new DaemonUnreachableError(
          'the daemon closed the connection while waiting for the reply (was it restarted?); the request is stored and will ' +
            'still be handled, but its reply can no longer reach this command: see the recipient with orch logs, or send it again',
        ),
      )
    client.on('event', onEvent)
    client.on('close', onClose)
  })
  return {
    reply,
    stop: () => {
      client.off('event', onEvent)
      client.off('close', onClose)
    },
  }
}

export default class Request extends OrchCommand<WireMessage> {
  static override summary = 'Send a message and wait for its reply (as agent.request does); prints the reply.'
  static override description =
    'Sends TYPE to TO with a fresh correlation id and this command as the reply address, then waits for the answer ' +
    "(an agent answers with agent.reply(msg, result)). Prints the reply's payload; --json prints the whole reply " +
    'message, with its id and correlationId. If no reply comes within --timeout the command fails with E_TIMEOUT; ' +
    'the request itself stays queued (it is durable) and a late reply is dropped.'
  static override examples = [
    '<%= config.bin %> request coordinator job \'{"dir":"./src"}\' --timeout 2m',
    '<%= config.bin %> request worker task.count \'{"file":"README.md"}\' --json',
  ]
  static override args = {
    to: Args.string({ description: "recipient: agent name or instance 'name:N'", required: true }),
    type: Args.string({ description: 'message type, e.g. job', required: true }),
    payload: Args.string({ description: 'JSON, or a plain string when it is not valid JSON; null when omitted' }),
  }
  static override flags = {
    // no --key: a deduplicated request would carry the first caller's reply address, and this one would wait in vain
    priority: sendFlags.priority,
    ttl: sendFlags.ttl,
    lease: sendFlags.lease,
    timeout: duration({ description: 'how long to wait for the reply', default: DEFAULT_TIMEOUT_MS }),
  }

  async run(): Promise<WireMessage> {
    const { args, flags } = await this.parse(Request)
    const params = sendParams(args.to, args.type, args.payload, flags)
    checkFrameSize(params)
    const client = await this.daemon()
    const { id: address } = await client.call('queue.consume', {})
    params.correlationId = randomUUID()
    params.replyTo = address
    const waiting = awaitReply(client, params.correlationId, args.type)
    // observed by the race below; a close before that must not be an unhandled rejection
    waiting.reply.catch(() => {})
    let timer: NodeJS.Timeout | undefined
    try {
      const { ids } = await client.call('queue.send', params)
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new TimeoutError(
                `no reply from '${args.to}' to '${args.type}' within ${flags.timeout} ms; the request (${ids.join(', ')}) stays queued, ` +
                  `see orch queue ls ${args.to.replace(/:\d+$/, '')}; raise --timeout for long work`,
                { ids, correlationId: params.correlationId, timeoutMs: flags.timeout },
              ),
            ),
          flags.timeout,
        )
      })
      const reply = await Promise.race([waiting.reply, timedOut])
      if (!this.jsonEnabled()) this.log(typeof reply.payload === 'string' ? reply.payload : JSON.stringify(reply.payload, null, 2))
      return reply
    } finally {
      clearTimeout(timer)
      waiting.stop()
    }
  }
}
