import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import { OrchCommand } from '../cli/base-command.js'
import type { ResultOf, SendParams } from '../core/protocol/methods.js'
import { encodeFrame, MAX_FRAME_BYTES } from '../core/protocol/framing.js'
import { DEFAULT_MAX_PAYLOAD_BYTES } from '../core/queue/constants.js'
import { InvalidMessageError } from '../core/queue/errors/invalid-message-error.js'
import { parseDuration } from '../core/schema/units.js'

const duration = Flags.custom<number>({
  helpValue: '<duration>',
  async parse(input) {
    const ms = parseDuration(input)
    if (ms === undefined) throw new Error(`'${input}' is not a duration; write it like 500ms, 5s, 2m or 1h`)
    return ms
  },
})

/** A payload that parses as JSON is sent as that value; anything else as the string itself. */
function parsePayload(text: string | undefined): unknown {
  if (text === undefined) return undefined
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}

export default class Send extends OrchCommand<ResultOf<'queue.send'>> {
  static override summary = 'Put a message on the queue for an agent, an instance (name:N) or a topic (topic:NAME); prints the stored id.'
  static override description =
    'PAYLOAD is parsed as JSON when it is valid JSON (42, true, {"a":1}, "quoted"), otherwise sent as a plain string. ' +
    'The id is printed once the message is durably stored; it is delivered when the recipient is connected, highest ' +
    'priority first, first in first out within a priority. A topic prints one id per subscriber. Payloads are limited ' +
    'to 256 KiB of JSON.'
  static override examples = [
    '<%= config.bin %> send agent_1 task.delegate \'{"task":"summarise","url":"https://example.com"}\'',
    '<%= config.bin %> send worker ping --priority 10',
    '<%= config.bin %> send worker:2 cleanup --priority=-1 --delay 5s --ttl 1m',
    '<%= config.bin %> send topic:news headline "orch 0.1 is out" --json',
  ]
  static override args = {
    to: Args.string({ description: "recipient: agent name, instance 'name:N', or 'topic:NAME'", required: true }),
    type: Args.string({ description: 'message type, e.g. task.delegate', required: true }),
    payload: Args.string({ description: 'JSON, or a plain string when it is not valid JSON; null when omitted' }),
  }
  static override flags = {
    priority: Flags.integer({ char: 'p', description: 'higher is delivered first (default 0; negative with --priority=-1)' }),
    delay: duration({ description: 'deliver no earlier than this from now (500ms, 5s, 2m, 1h)' }),
    ttl: duration({ description: 'dead-letter it if still undelivered after this long' }),
    'correlation-id': Flags.string({ description: 'correlation id carried to the recipient' }),
    'reply-to': Flags.string({ description: 'where the recipient should send its answer' }),
  }

  async run(): Promise<ResultOf<'queue.send'>> {
    const { args, flags } = await this.parse(Send)
    const params: SendParams = { to: args.to, type: args.type }
    const payload = parsePayload(args.payload)
    if (payload !== undefined) params.payload = payload
    if (flags.priority !== undefined) params.priority = flags.priority
    if (flags.delay !== undefined) params.delay = flags.delay
    if (flags.ttl !== undefined) params.ttl = flags.ttl
    if (flags['correlation-id'] !== undefined) params.correlationId = flags['correlation-id']
    if (flags['reply-to'] !== undefined) params.replyTo = flags['reply-to']
    // The daemon drops a frame over the cap without an id to answer to, so a huge payload is refused here.
    const frameBytes = Buffer.byteLength(encodeFrame({ id: 0, method: 'queue.send', params }))
    if (frameBytes >= MAX_FRAME_BYTES) {
      throw new InvalidMessageError('payload', `payload is about ${frameBytes} bytes of JSON, over the limit of ${DEFAULT_MAX_PAYLOAD_BYTES} bytes`)
    }
    const result = await (await this.daemon()).call('queue.send', params)
    if (!this.jsonEnabled()) {
      if (result.ids.length === 0) this.logToStderr(`nothing stored: ${args.to} has no subscribers`)
      for (const id of result.ids) this.log(id)
    }
    return result
  }
}
