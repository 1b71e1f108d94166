// Section `logs`: `orch logs --time -n 1000` over a 100 MB log file with its
// time index, against `tail -n 1000` of the same file and `node -e 0`; and
// what the daemon's time index costs next to a fast-writing agent's log.
import { closeSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import {
  BIN, NODE, ROOT, cleanupHome, cpuSeconds, figure, median, mib, ms, orch, orchJson, sleep, tempHome, timeRun, waitFor, writeConfig,
} from './lib.mjs'

const RUNS = 9
const WARMUP = 1
const TARGET_BYTES = 100 * 1024 * 1024
const LINES_PER_MARK = 100
const T0 = Date.parse('2026-01-01T00:00:00Z')

/** A 100 MB log of ~100-byte lines, and the index a daemon would have written: a mark every 100 lines, 10 ms apart. */
async function bigLog(logsDir) {
  const { encodeHeader, encodeMark } = await import(join(ROOT, 'dist', 'src', 'core', 'log', 'time-index.js'))
  mkdirSync(logsDir, { recursive: true })
  const path = join(logsDir, 'big.out.log')
  const fd = openSync(path, 'w')
  const marks = [encodeHeader()]
  let offset = 0
  let line = 0
  let chunk = []
  let chunkBytes = 0
  while (offset < TARGET_BYTES) {
    const text = `worker handled task ${line} in ${line % 997} ms; result stored, queue depth ${line % 31}, all good\n`
    chunk.push(text)
    chunkBytes += text.length
    offset += text.length
    line++
    if (line % LINES_PER_MARK === 0) marks.push(encodeMark({ offset, time: T0 + (line / LINES_PER_MARK) * 10, approx: false }))
    if (chunkBytes > 1 << 20) {
      writeSync(fd, chunk.join(''))
      chunk = []
      chunkBytes = 0
    }
  }
  writeSync(fd, chunk.join(''))
  closeSync(fd)
  marks.push(encodeMark({ offset, time: T0 + (line / LINES_PER_MARK) * 10 + 10, approx: false }))
  writeFileSync(`${path}.idx`, Buffer.concat(marks))
  return { path, lines: line, middle: new Date(T0 + (line / LINES_PER_MARK) * 5).toISOString() }
}

export default async function logs(log) {
  const figures = []
  const home = tempHome()
  const env = { ...process.env, ORCH_HOME: home }
  try {
    const big = await bigLog(join(home, 'logs'))
    log(`${big.path}: ${mib(statSync(big.path).size)}, ${big.lines} lines, index ${(statSync(`${big.path}.idx`).size / 1024).toFixed(0)} KiB`)
    const cmds = {
      node: [NODE, ['-e', '0']],
      tail: ['tail', ['-n', '1000', big.path]],
      time: [NODE, [BIN, 'logs', 'big', '--time', '-n', '1000']],
      plain: [NODE, [BIN, 'logs', 'big', '-n', '1000']],
      one: [NODE, [BIN, 'logs', 'big', '-n', '1']],
      until: [NODE, [BIN, 'logs', 'big', '--time', '--until', big.middle, '-n', '1000']],
    }
    const times = Object.fromEntries(Object.keys(cmds).map((k) => [k, []]))
    for (let i = 0; i < WARMUP + RUNS; i++) {
      for (const [k, [cmd, args]] of Object.entries(cmds)) {
        const { wall, out } = await timeRun(cmd, args, { env })
        const n = out.trimEnd().split('\n').length
        const expected = k === 'one' ? 1 : 1000
        if (k !== 'node' && n !== expected) throw new Error(`bench: ${k} printed ${n} lines, expected ${expected}`)
        if (i >= WARMUP) times[k].push(wall)
      }
    }
    const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]))
    log(`medians of ${RUNS}: node -e 0 ${ms(m.node)}, tail -n 1000 ${ms(m.tail)}, logs --time ${ms(m.time)}, logs ${ms(m.plain)}, logs --until (middle) ${ms(m.until)}, logs -n 1 ${ms(m.one)}`)
    figures.push(figure({
      section: 'logs', name: `\`orch logs --time -n 1000\`, 100 MB log (median of ${RUNS})`, value: m.time, unit: 'ms',
      floor: m.tail, floorName: '`tail -n 1000`', vs: 'diff',
      note: 'the difference is mostly starting node and the CLI (see the next figure)',
    }))
    figures.push(figure({
      section: 'logs', name: `\`orch logs --time -n 1000\`, 100 MB log, vs starting node (median of ${RUNS})`, value: m.time, unit: 'ms',
      floor: m.node, floorName: '`node -e 0`', vs: 'ratio',
    }))
    figures.push(figure({
      section: 'logs', name: `\`orch logs --time -n 1000\` vs \`orch logs -n 1\` (the CLI's start-up), 100 MB log (median of ${RUNS})`, value: m.time, unit: 'ms',
      floor: m.one, floorName: '`orch logs -n 1`', vs: 'diff',
      note: 'what reading 1000 lines with their times costs, through the CLI',
    }))
    figures.push(figure({
      section: 'logs', name: `\`orch logs -n 1000\` (no --time), same file (median of ${RUNS})`, value: m.plain, unit: 'ms',
      floor: m.time, floorName: 'with --time', vs: 'diff',
    }))
    figures.push(figure({
      section: 'logs', name: `\`orch logs --time --until <middle> -n 1000\` (binary search in the index), same file (median of ${RUNS})`, value: m.until, unit: 'ms',
      floor: m.time, floorName: 'last 1000', vs: 'diff',
    }))
    // the same reads in this process: no CLI start-up, whose noise on a shared machine is larger than the read
    const { readLines } = await import(join(ROOT, 'dist', 'src', 'cli', 'log-files.js'))
    const file = { agent: 'big', stream: 'out', path: big.path }
    const inProcess = (opts) => {
      const walls = []
      for (let i = 0; i < WARMUP + RUNS; i++) {
        const t0 = performance.now()
        const got = readLines(file, { daemonRunning: false, ...opts })
        if (got.length !== opts.n) throw new Error(`bench: readLines gave ${got.length} lines, expected ${opts.n}`)
        if (i >= WARMUP) walls.push(performance.now() - t0)
      }
      return median(walls)
    }
    const last = inProcess({ n: 1000 })
    const middle = inProcess({ n: 1000, until: Date.parse(big.middle) })
    log(`in process: last 1000 lines with times ${ms(last)}, 1000 lines up to the middle ${ms(middle)}`)
    figures.push(figure({
      section: 'logs', name: `reading the last 1000 lines with their times, in process, 100 MB log (median of ${RUNS})`, value: last, unit: 'ms',
      target: ({ value }) => value <= 50, targetText: '≤ 50 ms',
    }))
    figures.push(figure({
      section: 'logs', name: `reading 1000 lines up to the middle (--until, binary search), in process (median of ${RUNS})`, value: middle, unit: 'ms',
      target: ({ value }) => value <= 50, targetText: '≤ 50 ms',
    }))
  } finally {
    cleanupHome(home)
  }

  // What the daemon writes next to a fast agent: one 16-byte mark per 50 ms window in which the file grew.
  const live = tempHome()
  try {
    const script = join(live, 'fast.js')
    writeFileSync(script, "let i = 0; setInterval(() => console.log(`line ${i++} of a fast agent, about sixty bytes long`), 1)\n")
    await orch(live, ['start', writeConfig(live, [{ name: 'fast', script }]), '--json'])
    const out = join(live, 'logs', 'fast.out.log')
    await waitFor('fast writes', () => { try { return statSync(out).size > 0 } catch { return false } })
    const daemonPid = Number(readFileSync(join(live, 'daemon.pid'), 'utf8'))
    const cpu0 = cpuSeconds(daemonPid)
    await sleep(5000)
    const daemonCpu = ((cpuSeconds(daemonPid) - cpu0) / 5) * 100
    await orchJson(live, ['stop', 'fast'])
    // the floor: the same daemon for 5 s with the agent stopped
    const rest0 = cpuSeconds(daemonPid)
    await sleep(5000)
    const restCpu = ((cpuSeconds(daemonPid) - rest0) / 5) * 100
    const logBytes = statSync(out).size
    const idxBytes = statSync(`${out}.idx`).size
    const marks = (idxBytes - 8) / 16
    log(`fast agent, 5 s: log ${mib(logBytes)}, index ${idxBytes} bytes (${marks} marks, ${(marks / 5).toFixed(1)}/s)`)
    figures.push(figure({
      section: 'logs', name: 'time index next to an agent writing a line every ms (5 s)', value: (idxBytes / logBytes) * 100, unit: '%',
      note: `${marks} marks for ${mib(logBytes)} of log`, target: ({ value }) => value < 5, targetText: '< 5 % of the log',
    }))
    figures.push(figure({
      section: 'logs', name: 'daemon CPU while that agent writes (monitor, fs.watch events, marks)', value: daemonCpu, unit: '%',
      floor: restCpu, floorName: 'the same daemon, agent stopped', vs: 'diff', note: 'of one core, over 5 s each',
    }))
  } finally {
    cleanupHome(live)
  }
  return figures
}
