/** What a key does in `orch monit`. */
export type MonitAction = 'up' | 'down' | 'restart' | 'toggle' | 'quit'

const SEQUENCES: Record<string, MonitAction> = {
  '\u001b[A': 'up',
  '\u001bOA': 'up',
  k: 'up',
  '\u001b[B': 'down',
  '\u001bOB': 'down',
  j: 'down',
  r: 'restart',
  s: 'toggle',
  q: 'quit',
  Q: 'quit',
  // raw mode: Ctrl-C and Ctrl-D arrive as bytes, not as signals
  '\u0003': 'quit',
  '\u0004': 'quit',
}

/** The actions in one chunk of raw input (several keys may arrive at once, an arrow is 3 bytes); unknown keys are skipped. */
export function parseKeys(chunk: string): MonitAction[] {
  const actions: MonitAction[] = []
  let i = 0
  while (i < chunk.length) {
    const three = chunk.slice(i, i + 3)
    if (SEQUENCES[three]) {
      actions.push(SEQUENCES[three])
      i += 3
      continue
    }
    // any other escape sequence (another arrow, a function key) is skipped whole
    if (chunk[i] === '\u001b' && (chunk[i + 1] === '[' || chunk[i + 1] === 'O')) {
      let j = i + 2
      while (j < chunk.length && !/[A-Za-z~]/.test(chunk[j]!)) j++
      i = j + 1
      continue
    }
    const action = SEQUENCES[chunk[i]!]
    if (action) actions.push(action)
    i++
  }
  return actions
}
