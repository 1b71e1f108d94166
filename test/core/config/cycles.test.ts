import { describe, expect, it } from 'vitest'
import { findCycle } from '../../../src/core/config/cycles.js'

type Edges = Array<[string, string[]]>

/** A cycle path is closed: it starts and ends on the same node, and each step is an edge. */
function expectValidCycle(edges: Edges, cycle: string[] | null): void {
  expect(cycle).not.toBeNull()
  const deps = new Map(edges)
  expect(cycle![0]).toBe(cycle!.at(-1))
  for (let i = 0; i + 1 < cycle!.length; i++) expect(deps.get(cycle![i]!)).toContain(cycle![i + 1])
}

describe('findCycle', () => {
  it.each<[string, Edges]>([
    ['no agents', []],
    ['no dependencies', [['a', []], ['b', []]]],
    ['a chain', [['a', ['b']], ['b', ['c']], ['c', []]]],
    ['a diamond', [['a', ['b', 'c']], ['b', ['d']], ['c', ['d']], ['d', []]]],
    ['a dependency on an unknown agent', [['a', ['ghost']]]],
  ])('finds none in %s', (_, edges) => {
    expect(findCycle(edges)).toBeNull()
  })

  it('finds a self-dependency', () => {
    expect(findCycle([['a', ['a']]])).toEqual(['a', 'a'])
  })

  it('finds a -> b -> a', () => {
    expect(findCycle([['a', ['b']], ['b', ['a']]])).toEqual(['a', 'b', 'a'])
  })

  it('finds a longer cycle', () => {
    const edges: Edges = [['a', ['b']], ['b', ['c']], ['c', ['a']]]
    expect(findCycle(edges)).toEqual(['a', 'b', 'c', 'a'])
  })

  it('returns only the cycle, not the path that leads into it', () => {
    const edges: Edges = [['x', ['a']], ['a', ['b']], ['b', ['a']]]
    expect(findCycle(edges)).toEqual(['a', 'b', 'a'])
  })

  it('finds a cycle reached after a finished branch', () => {
    const edges: Edges = [['a', ['b', 'c']], ['b', []], ['c', ['d']], ['d', ['c']]]
    const cycle = findCycle(edges)
    expectValidCycle(edges, cycle)
    expect(cycle).toEqual(['c', 'd', 'c'])
  })

  it('does not mistake a shared dependency for a cycle', () => {
    const edges: Edges = [['a', ['c']], ['b', ['c']], ['c', []]]
    expect(findCycle(edges)).toBeNull()
  })

  it('handles a long chain without a stack problem', () => {
    const edges: Edges = Array.from({ length: 2_000 }, (_, i) => [`n${i}`, i + 1 < 2_000 ? [`n${i + 1}`] : []])
    expect(findCycle(edges)).toBeNull()
    edges[1_999] = ['n1999', ['n1000']]
    expectValidCycle(edges, findCycle(edges))
  })
})
