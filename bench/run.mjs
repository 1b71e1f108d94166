// Benchmarks for orch: `npm run bench -- [all|SECTION...]`.
// Informational only: exits 0 whether or not a figure meets its target, and
// non-zero only when the bench itself broke. Never part of `npm test`.
import { cpus } from 'node:os'
import { assertBuilt, cleanupAll, fmtCmp, fmtValue, installCleanupHandlers } from './lib.mjs'
import { readRecorded, record, versusRecorded } from './recorded.mjs'

// Each section is a module whose default export is `async (log) => Figure[]`.
// To add one, put it in bench/<name>.mjs and list it here.
const SECTIONS = {
  cli: () => import('./cli.mjs'),
  supervision: () => import('./supervision.mjs'),
  queue: () => import('./queue.mjs'),
  'ts-agent': () => import('./ts-agent.mjs'),
  config: () => import('./config.mjs'),
  logs: () => import('./logs.mjs'),
  otel: () => import('./otel.mjs'),
  roundtrip: () => import('./roundtrip.mjs'),
  dashboard: () => import('./dashboard.mjs'),
}

function parseArgs(all) {
  const argv = all.filter((a) => a !== '--record' && a !== '--record-anyway')
  const wanted = argv.length === 0 || argv.includes('all') ? Object.keys(SECTIONS) : argv
  const unknown = wanted.filter((s) => !(s in SECTIONS))
  if (unknown.length > 0) {
    console.error(`bench: unknown section ${unknown.map((s) => `'${s}'`).join(', ')}; known: all, ${Object.keys(SECTIONS).join(', ')}`)
    process.exit(2)
  }
  return wanted
}

function metText(f) {
  if (f.met === undefined) return '—'
  return f.met ? 'yes' : '**NO**'
}

function markdownTable(figures, recorded) {
  const rows = [
    ['section', 'figure', 'value', 'floor', 'vs floor', 'target', 'met', 'pm2', 'last recorded'],
    ...figures.map((f) => [
      f.section, f.name, fmtValue(f.value, f.unit),
      f.floor === undefined ? '' : `${fmtValue(f.floor, f.unit)} (${f.floorName})`,
      fmtCmp(f), f.targetText ?? '', metText(f), f.pm2 ?? '', versusRecorded(recorded, f, fmtValue),
    ]),
  ]
  const lines = rows.map((r) => `| ${r.map((c) => String(c).replaceAll('|', '\\|')).join(' | ')} |`)
  lines.splice(1, 0, `|${rows[0].map(() => ' --- ').join('|')}|`)
  return lines.join('\n')
}

async function main() {
  assertBuilt()
  installCleanupHandlers()
  const sections = parseArgs(process.argv.slice(2))
  const recorded = readRecorded()
  console.log(`orch bench — ${new Date().toISOString()}, node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown cpu'})`)
  const figures = []
  for (const name of sections) {
    console.log(`\n== ${name}`)
    const t0 = Date.now()
    const log = (msg) => console.log(`  ${msg}`)
    const { default: run } = await SECTIONS[name]()
    const got = await run(log)
    for (const f of got) {
      const cmp = fmtCmp(f)
      const target = f.targetText ? `  target ${f.targetText}: ${f.met === undefined ? '—' : f.met ? 'met' : 'MISSED'}` : ''
      const last = versusRecorded(recorded, f, fmtValue)
      console.log(`  ${f.name}: ${fmtValue(f.value, f.unit)}${cmp ? ` (${cmp} vs ${f.floorName} ${fmtValue(f.floor, f.unit)})` : ''}${target}${f.note ? `  [${f.note}]` : ''}${last ? `  {${last}}` : ''}`)
    }
    console.log(`  (${name} took ${((Date.now() - t0) / 1000).toFixed(1)} s)`)
    figures.push(...got)
  }
  console.log(`\n${markdownTable(figures, recorded)}`)
  const missed = figures.filter((f) => f.met === false)
  if (missed.length > 0) console.log(`\nmissed targets: ${missed.map((f) => f.name).join('; ')}`)
  const anyway = process.argv.includes('--record-anyway')
  if (process.argv.includes('--record') || anyway) record(recorded, figures, { anyway })
}

try {
  await main()
} catch (err) {
  console.error(err instanceof Error ? err.stack ?? err.message : err)
  cleanupAll()
  process.exit(1)
} finally {
  cleanupAll()
}
