import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { AGENT_STATUSES } from '../../../src/core/protocol/types.js'
import { DOC_END, DOC_START, renderTransitionDoc } from '../../../src/core/supervisor/transition-doc.js'
import {
  LIFECYCLE_EFFECTS,
  LIFECYCLE_EVENTS,
  LIFECYCLE_FACTS,
  TRANSITION_TABLE,
  transition,
  type LifecycleFact,
} from '../../../src/core/supervisor/transitions.js'

const facts = (...f: LifecycleFact[]) => new Set(f)

describe('transition()', () => {
  it('takes the first row whose facts all hold', () => {
    expect(transition('online', 'exit', facts('policy restarts')).to).toBe('backoff')
    expect(transition('online', 'exit', facts('policy gives up')).to).toBe('errored')
    expect(transition('stopped', 'start', facts('dependencies pending')).effects).toEqual(['reset-budget', 'wait-for-dependencies'])
    expect(transition('stopped', 'start', facts('dependencies met'))).toMatchObject({ to: null, effects: ['reset-budget', 'spawn'] })
    expect(transition('stopped', 'start', facts('spawning', 'dependencies met'))).toMatchObject({ to: null, effects: [] })
  })

  it('ignores pairs with no row: a late timer, a ready of an agent that is not starting, a start of one that runs', () => {
    expect(transition('online', 'grace-elapsed', facts('spawned'))).toEqual({ to: null, effects: [] })
    expect(transition('stopped', 'ready', facts())).toEqual({ to: null, effects: [] })
    expect(transition('online', 'start', facts('spawned'))).toEqual({ to: null, effects: [] })
    expect(transition('backoff', 'start', facts())).toEqual({ to: null, effects: [] })
  })

  it('an exit during a stop belongs to the stop', () => {
    expect(transition('stopping', 'exit', facts('policy restarts'))).toMatchObject({ to: null, effects: [] })
  })

  it('names only known states, events, facts and effects, and uses every one of them', () => {
    const used = { events: new Set<string>(), facts: new Set<string>(), effects: new Set<string>(), states: new Set<string>() }
    for (const row of TRANSITION_TABLE) {
      used.events.add(row.event)
      for (const s of row.from) used.states.add(s)
      if (row.to) used.states.add(row.to)
      for (const f of row.when ?? []) used.facts.add(f)
      for (const e of row.effects) used.effects.add(e)
    }
    expect([...used.events].sort()).toEqual(Object.keys(LIFECYCLE_EVENTS).sort())
    expect([...used.facts].sort()).toEqual(Object.keys(LIFECYCLE_FACTS).sort())
    expect([...used.effects].sort()).toEqual(Object.keys(LIFECYCLE_EFFECTS).sort())
    expect([...used.states].sort()).toEqual([...AGENT_STATUSES].sort())
  })

  it('has no row that an earlier one always hides', () => {
    TRANSITION_TABLE.forEach((row, i) => {
      const hidden = row.from.every((state) =>
        TRANSITION_TABLE.slice(0, i).some(
          (earlier) => earlier.event === row.event && earlier.from.includes(state) && (earlier.when ?? []).every((f) => row.when?.includes(f)),
        ),
      )
      expect(hidden, `row ${i} (${row.event} from ${row.from.join(', ')}) is never reached`).toBe(false)
    })
  })
})

describe('docs/lifecycle.md', () => {
  it('shows the transition table as it is in the code', () => {
    const file = fileURLToPath(new URL('../../../docs/lifecycle.md', import.meta.url))
    const text = readFileSync(file, 'utf8')
    const start = text.indexOf(DOC_START)
    const end = text.indexOf(DOC_END)
    const current = start >= 0 && end > start ? text.slice(start, end + DOC_END.length) : null
    const wanted = renderTransitionDoc()
    if (process.env.ORCH_UPDATE_DOCS === '1' && current !== wanted) {
      writeFileSync(file, current === null ? `${text.trimEnd()}\n\n${wanted}\n` : text.replace(current, wanted))
      return
    }
    expect(current, 'docs/lifecycle.md is out of date: run ORCH_UPDATE_DOCS=1 npx vitest run test/core/supervisor/transitions.test.ts').toBe(wanted)
  })
})
