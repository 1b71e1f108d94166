import * as Flags from '@oclif/core/flags'
import { encodeFrame, MAX_FRAME_BYTES } from '../core/protocol/framing.js'
import type { SendParams } from '../core/protocol/methods.js'
import { OrchError } from '../core/errors/orch-error.js'
import { ErrorCode } from '../core/protocol/error-codes.js'
import { DEFAULT_MAX_PAYLOAD_BYTES } from '../core/protocol/queue-constants.js'
import { describeMs, MAX_DURATION_MS, MIN_LEASE_MS, parseDuration } from '../core/schema/units.js'

/** A duration flag of at least `minMs`: '500ms', '5s', '2m', '1h' → ms. */
function durationFlag(minMs: number) {
  return Flags.custom<number>({
    helpValue: '<duration>',
    async parse(input) {
      const ms = parseDuration(input)
      if (ms === undefined) throw new Error(`'${input}' is not a duration; write it like 500ms, 5s, 2m or 1h`)
      // past 2^31-1 ms a timer fires at once: a '1000h' timeout would time out immediately
      if (ms > MAX_DURATION_MS) throw new Error(`'${input}' is too long: a duration is at most ${MAX_DURATION_MS} ms (${describeMs(MAX_DURATION_MS)})`)
      if (ms < minMs) throw new Error(`'${input}' is too short: at least ${describeMs(minMs)}`)
      return ms
    },
  })
}

/** A duration flag: '500ms', '5s', '2m', '1h' → ms, at most MAX_DURATION_MS. */
export const duration = durationFlag(0)
/** A lease must outlast the SDK's renewal (MIN_LEASE_MS). */
const leaseDuration = durationFlag(MIN_LEASE_MS)

/** A payload that parses as JSON is sent as that value; anything else as the string itself. */
export function parsePayload(text: string | undefined): unknown {
  if (text === undefined) return undefined
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}

/** The flags `orch send` and `orch request` share. */
export const sendFlags = {
  priority: Flags.integer({ char: 'p', description: 'higher is delivered first (default 0; negative with --priority=-1)' }),
  ttl: duration({ description: 'dead-letter it if still undelivered after this long' }),
  lease: leaseDuration({ description: "how long each delivery is leased before it is redelivered unless acked or renewed (default: the recipient's leaseTimeout)" }),
  key: Flags.string({ description: 'idempotency key: a send with a key already pending, in flight or acked in the last 10 minutes is not stored again' }),
}

/** SendParams from the shared flags. */
export function sendParams(
  to: string,
  type: string,
  payloadText: string | undefined,
  flags: { priority?: number; ttl?: number; lease?: number; key?: string },
): SendParams {
  const params: SendParams = { to, type }
  const payload = parsePayload(payloadText)
  if (payload !== undefined) params.payload = payload
  if (flags.priority !== undefined) params.priority = flags.priority
  if (flags.ttl !== undefined) params.ttl = flags.ttl
  if (flags.lease !== undefined) params.lease = flags.lease
  if (flags.key !== undefined) params.key = flags.key
  return params
}

/** The daemon drops a frame over the cap without an id to answer to, so a huge payload is refused here. */
export function checkFrameSize(params: SendParams): void {
  const frameBytes = Buffer.byteLength(encodeFrame({ id: 0, method: 'queue.send', params }))
  if (frameBytes >= MAX_FRAME_BYTES) {
    // the daemon's own refusal (queue/errors InvalidMessageError), worded the same
    throw new OrchError(ErrorCode.INVALID_MESSAGE, `invalid message: payload is about ${frameBytes} bytes of JSON, over the limit of ${DEFAULT_MAX_PAYLOAD_BYTES} bytes`, { field: 'payload' })
  }
}
