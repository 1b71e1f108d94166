/** Returns one dependency cycle as a path (a -> b -> a), or null. */
export function findCycle(edges: Array<[string, string[]]>): string[] | null {
  const deps = new Map(edges)
  const state = new Map<string, 'visiting' | 'done'>()
  const stack: string[] = []
  const visit = (n: string): string[] | null => {
    if (state.get(n) === 'done') return null
    if (state.get(n) === 'visiting') return [...stack.slice(stack.indexOf(n)), n]
    state.set(n, 'visiting')
    stack.push(n)
    for (const d of deps.get(n) ?? []) {
      const c = visit(d)
      if (c) return c
    }
    stack.pop()
    state.set(n, 'done')
    return null
  }
  for (const [n] of edges) {
    const c = visit(n)
    if (c) return c
  }
  return null
}
