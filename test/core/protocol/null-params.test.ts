import { describe, expect, it } from 'vitest'
import { PARAMS_CHECKS } from '../../../src/core/protocol/methods.js'
import { dropNullOptionals } from '../../../src/core/protocol/null-params.js'
import { problemsOf } from '../../../src/core/schema/problems.js'

describe('null in params', () => {
  const send = PARAMS_CHECKS['queue.send']

  it('drops optional params given null, keeps the others and the same object when there is none', () => {
    const given = { to: 'a', type: 't', priority: null, key: null, unknown: null }
    expect(dropNullOptionals(send, given)).toEqual({ to: 'a', type: 't', unknown: null })
    expect(given).toHaveProperty('priority', null)
    const clean = { to: 'a', type: 't' }
    expect(dropNullOptionals(send, clean)).toBe(clean)
  })

  it('keeps null as the value of a JSON param, and leaves a required null to the schema check', () => {
    expect(dropNullOptionals(send, { to: 'a', type: 't', payload: null })).toEqual({ to: 'a', type: 't', payload: null })
    const progress = dropNullOptionals(PARAMS_CHECKS['queue.progress'], { id: 'm', progress: null })
    expect(problemsOf(PARAMS_CHECKS['queue.progress'], progress)).toEqual([])
    const noTo = dropNullOptionals(send, { to: null, type: 't' })
    expect(problemsOf(send, noTo)).toEqual([{ field: 'to', value: null, allowed: 'a non-empty string' }])
  })
})
