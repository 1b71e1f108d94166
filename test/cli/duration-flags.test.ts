import { describe, expect, it } from 'vitest'
import { orch, useHomes } from '../helpers/orch.js'

const home = useHomes()

describe('duration flags', () => {
  it.each([
    [['send', 'w', 't', '--delay', '1000h'], /'1000h' is too long: a duration is at most 2147483647 ms \(24\.8 days\)/],
    [['send', 'w', 't', '--ttl', '600h'], /'600h' is too long/],
    [['send', 'w', 't', '--lease', '1000h'], /'1000h' is too long/],
    [['request', 'w', 't', '--timeout', '1000h'], /'1000h' is too long/],
    [['send', 'w', 't', '--lease', '100ms'], /'100ms' is too short: at least 250ms/],
    [['send', 'w', 't', '--lease', '0'], /'0' is too short/],
  ])('orch %j is refused before anything is sent', async (args, message) => {
    home()
    const r = await orch(args)
    expect(r.error?.message).toMatch(message)
  })
})
