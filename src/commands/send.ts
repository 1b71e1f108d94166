import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import { OrchCommand } from '../cli/base-command.js'
import { checkFrameSize, duration, sendFlags, sendParams } from '../cli/send-flags.js'
import type { ResultOf } from '../core/protocol/methods.js'

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
    '<%= config.bin %> send coordinator job \'{"dir":"./docs"}\' --key job-2026-12-02',
  ]
  static override args = {
    to: Args.string({ description: "recipient: agent name, instance 'name:N', or 'topic:NAME'", required: true }),
    type: Args.string({ description: 'message type, e.g. task.delegate', required: true }),
    payload: Args.string({ description: 'JSON, or a plain string when it is not valid JSON; null when omitted' }),
  }
  static override flags = {
    ...sendFlags,
    delay: duration({ description: 'deliver no earlier than this from now (500ms, 5s, 2m, 1h)' }),
    'correlation-id': Flags.string({ description: 'correlation id carried to the recipient' }),
    'reply-to': Flags.string({ description: 'where the recipient should send its answer' }),
  }

  async run(): Promise<ResultOf<'queue.send'>> {
    const { args, flags } = await this.parse(Send)
    const params = sendParams(args.to, args.type, args.payload, flags)
    if (flags.delay !== undefined) params.delay = flags.delay
    if (flags['correlation-id'] !== undefined) params.correlationId = flags['correlation-id']
    if (flags['reply-to'] !== undefined) params.replyTo = flags['reply-to']
    checkFrameSize(params)
    const result = await (await this.daemon()).call('queue.send', params)
    if (!this.jsonEnabled()) {
      if (result.ids.length === 0) this.logToStderr(`nothing stored: ${args.to} has no subscribers`)
      if (result.duplicate) this.logToStderr(`not stored again: key '${flags.key}' was sent already; its id:`)
      for (const id of result.ids) this.log(id)
    }
    return result
  }
}
