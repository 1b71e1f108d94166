// The figures of the last recorded run (bench/recorded.json), so that every
// run prints each figure next to the one recorded before it: a regression
// shows as a ratio, not as a memory of docs/benchmarks.md.
// `npm run bench -- --record [SECTION...]` writes this run's figures into it
// (figures of sections not run are kept). Versioned like every persisted file.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { cpus } from 'node:os'
import { ROOT } from './lib.mjs'

export const RECORDED_FILE = join(ROOT, 'bench', 'recorded.json')
const VERSION = 1

const keyOf = (f) => `${f.section} / ${f.name}`

/** The recorded figures by key, or an empty map (no file yet, or one orch cannot read: said once). */
export function readRecorded() {
  if (!existsSync(RECORDED_FILE)) return new Map()
  try {
    const doc = JSON.parse(readFileSync(RECORDED_FILE, 'utf8'))
    if (doc.version !== VERSION || typeof doc.figures !== 'object') throw new Error(`version ${doc.version}, this bench reads ${VERSION}`)
    return new Map(Object.entries(doc.figures))
  } catch (err) {
    console.error(`bench: ignoring ${RECORDED_FILE}: ${err.message}`)
    return new Map()
  }
}

/** `last recorded 41.2 ms (1.05x)`, or '' when this figure was never recorded (or in another unit). */
export function versusRecorded(recorded, f, fmtValue) {
  const r = recorded.get(keyOf(f))
  if (!r || r.unit !== f.unit || !Number.isFinite(r.value) || !Number.isFinite(f.value)) return ''
  const ratio = r.value === 0 ? '' : ` (${(f.value / r.value).toFixed(2)}x)`
  return `last recorded ${fmtValue(r.value, r.unit)}${ratio}, ${r.at.slice(0, 10)}`
}

/** Adds (or replaces) this run's figures in bench/recorded.json. */
export function record(recorded, figures) {
  const at = new Date().toISOString()
  const merged = Object.fromEntries(recorded)
  for (const f of figures) if (Number.isFinite(f.value)) merged[keyOf(f)] = { value: f.value, unit: f.unit, at }
  const machine = `${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown cpu'}, node ${process.version}`
  writeFileSync(RECORDED_FILE, `${JSON.stringify({ version: VERSION, machine, figures: merged }, null, 2)}\n`)
  console.log(`\nrecorded ${figures.length} figures in ${RECORDED_FILE}`)
}
