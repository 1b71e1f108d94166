// The figures of the last recorded run (bench/recorded.json), so that every
// run prints each figure next to the one recorded before it: a regression
// shows as a ratio, not as a memory of docs/benchmarks.md.
// `npm run bench -- --record [SECTION...]` writes this run's figures into it
// (figures of sections not run are kept), with their floors: a run whose
// floors are much slower than the recorded ones is not recorded (see
// record). Versioned like every persisted file.
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

/** Units where more is better (rates); for the others (times, sizes) less is. */
const higherIsBetter = (unit) => typeof unit === 'string' && unit.endsWith('/s')

/**
 * How much slower this run's floors are than the recorded run's, as the
 * median ratio over the figures that have a floor in both (1 = as fast,
 * 2 = twice as slow); undefined when none can be compared. A busy or slower
 * machine shows in its floors first.
 */
export function floorSlowdown(recorded, figures) {
  const ratios = []
  for (const f of figures) {
    const r = recorded.get(keyOf(f))
    if (!r || !Number.isFinite(r.floor) || !Number.isFinite(f.floor) || r.floor <= 0 || f.floor <= 0 || r.unit !== f.unit) continue
    ratios.push(higherIsBetter(f.unit) ? r.floor / f.floor : f.floor / r.floor)
  }
  if (ratios.length === 0) return undefined
  ratios.sort((a, b) => a - b)
  return ratios[Math.floor(ratios.length / 2)]
}

/** Floors this much slower than the recorded ones refuse `--record` (`--record-anyway` overrides). */
export const RECORD_MAX_SLOWDOWN = 1.3

/** Adds (or replaces) this run's figures in bench/recorded.json, unless its floors say the machine was much slower than for the record. */
export function record(recorded, figures, { anyway = false } = {}) {
  const slowdown = floorSlowdown(recorded, figures)
  if (slowdown !== undefined && slowdown > RECORD_MAX_SLOWDOWN && !anyway) {
    console.log(`
not recorded: this run's floors are ${slowdown.toFixed(2)}x slower than the recorded run's (over ${RECORD_MAX_SLOWDOWN}x): ` +
      'the machine is busy or slower, and its figures would replace better ones. Run again when it is quiet, or pass --record-anyway.')
    return false
  }
  const at = new Date().toISOString()
  const merged = Object.fromEntries(recorded)
  for (const f of figures) {
    if (!Number.isFinite(f.value)) continue
    merged[keyOf(f)] = { value: f.value, unit: f.unit, at, ...(Number.isFinite(f.floor) ? { floor: f.floor } : {}) }
  }
  const machine = `${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown cpu'}, node ${process.version}`
  writeFileSync(RECORDED_FILE, `${JSON.stringify({ version: VERSION, machine, figures: merged }, null, 2)}\n`)
  console.log(`\nrecorded ${figures.length} figures in ${RECORDED_FILE}${slowdown === undefined ? '' : ` (floors ${slowdown.toFixed(2)}x the recorded run's)`}`)
  return true
}
