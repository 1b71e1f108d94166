/** A small reader of Prometheus' text exposition format (0.0.4), for tests: enough to check what orch serves, strictly. */

export interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

export interface Family {
  name: string
  type: string
  help: string
  samples: Sample[]
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/
const SUFFIXES: Record<string, string[]> = { counter: [''], gauge: [''], histogram: ['_bucket', '_sum', '_count'], summary: ['', '_sum', '_count'], untyped: [''] }

function parseValue(text: string): number {
  if (text === '+Inf') return Infinity
  if (text === '-Inf') return -Infinity
  if (text === 'NaN') return NaN
  const n = Number(text)
  if (text === '' || Number.isNaN(n)) throw new Error(`not a sample value: '${text}'`)
  return n
}

function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {}
  let i = 0
  while (i < text.length) {
    const eq = text.indexOf('=', i)
    const name = text.slice(i, eq).trim()
    if (!LABEL_NAME.test(name)) throw new Error(`bad label name '${name}' in {${text}}`)
    if (text[eq + 1] !== '"') throw new Error(`label ${name} has no quoted value in {${text}}`)
    let j = eq + 2
    let value = ''
    while (text[j] !== '"') {
      if (j >= text.length) throw new Error(`unterminated label value in {${text}}`)
      if (text[j] === '\\') {
        const next = text[j + 1]
        value += next === 'n' ? '\n' : next
        j += 2
      } else value += text[j++]
    }
    if (name in labels) throw new Error(`label ${name} twice in {${text}}`)
    labels[name] = value
    i = j + 1
    if (text[i] === ',') i++
  }
  return labels
}

/** Every family with its samples; throws on anything the format does not allow (a sample of no declared family, a family split in two). */
export function parsePrometheusText(text: string): Map<string, Family> {
  const families = new Map<string, Family>()
  let current: Family | null = null
  if (!text.endsWith('\n')) throw new Error('the exposition must end with a newline')
  for (const line of text.split('\n')) {
    if (line === '') continue
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line)
    if (meta) {
      const [, kind, name, rest] = meta as unknown as [string, string, string, string]
      if (!NAME.test(name)) throw new Error(`bad metric name '${name}'`)
      let f = families.get(name)
      if (!f) {
        f = { name, type: 'untyped', help: '', samples: [] }
        families.set(name, f)
      } else if (f !== current) throw new Error(`family ${name} is split`)
      if (kind === 'TYPE') f.type = rest
      else f.help = rest
      current = f
      continue
    }
    if (line.startsWith('#')) continue
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: \d+)?$/.exec(line)
    if (!m) throw new Error(`not a sample line: '${line}'`)
    const [, name, labels, value] = m as unknown as [string, string, string | undefined, string]
    if (!current || !SUFFIXES[current.type]!.some((s) => `${current!.name}${s}` === name)) throw new Error(`sample ${name} outside its family (current: ${current?.name})`)
    current.samples.push({ name, labels: labels ? parseLabels(labels) : {}, value: parseValue(value) })
  }
  return families
}

/** The value of the one sample of `name` whose labels include `labels`. */
export function valueOf(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const f of families.values()) {
    for (const s of f.samples) {
      if (s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)) return s.value
    }
  }
  return undefined
}
