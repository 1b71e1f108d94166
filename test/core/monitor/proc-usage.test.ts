import { spawn } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { parseStat, ProcUsageReader } from '../../../src/core/monitor/proc-usage.js'

const NO_SUCH_PID = 2 ** 22 + 1
const children: number[] = []
afterEach(() => {
  for (const pid of children.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {}
  }
})
const openFds = () => readdirSync('/proc/self/fd').length

describe('ProcUsageReader', () => {
  it('parses a stat line whose command holds spaces and parentheses', () => {
    const fields = Array.from({ length: 50 }, (_, i) => String(i + 3))
    fields[0] = 'S'
    fields[11] = '1234' // utime, field 14
    fields[12] = '56' // stime, field 15
    fields[19] = '987654' // starttime, field 22
    fields[21] = '777' // rss, field 24
    const line = Buffer.from(`42 (a (weird) name) ${fields.join(' ')}\n`)
    expect(parseStat(line, line.length)).toEqual({ state: 0x53, utime: 1234, stime: 56, startTime: 987654, rssPages: 777 })
    expect(parseStat(Buffer.from('42 (cut'), 7)).toBeNull()
  })

  it('reads memory as the kernel counts it, and the CPU of a busy process', async () => {
    const reader = new ProcUsageReader()
    const mine = reader.read([process.pid]).get(process.pid)!
    const rss = process.memoryUsage.rss()
    expect(mine.memory).toBeGreaterThan(rss * 0.8)
    expect(mine.memory).toBeLessThan(rss * 1.2)

    const busy = spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' })
    children.push(busy.pid!)
    await new Promise((r) => setTimeout(r, 400))
    // the first sample is the average since the process started: not the 0% pidusage reports
    expect(reader.read([busy.pid!]).get(busy.pid!)!.cpu).toBeGreaterThan(20)
    await new Promise((r) => setTimeout(r, 600))
    expect(reader.read([busy.pid!]).get(busy.pid!)!.cpu).toBeGreaterThan(20)
    reader.close()
  })

  it('leaves out a pid that is gone, a zombie, or never was; and closes what it no longer reads', async () => {
    const reader = new ProcUsageReader()
    const before = openFds()
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' })
    children.push(child.pid!)
    expect([...reader.read([child.pid!, NO_SUCH_PID]).keys()]).toEqual([child.pid])
    expect(openFds()).toBe(before + 1)
    // killed and not yet reaped by us: a zombie, which is not a running agent
    child.removeAllListeners()
    process.kill(child.pid!, 'SIGKILL')
    await new Promise((r) => setTimeout(r, 200))
    expect(reader.read([child.pid!]).size).toBe(0)
    expect(openFds()).toBe(before)
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' })
    children.push(other.pid!)
    reader.read([other.pid!])
    expect(openFds()).toBe(before + 1)
    reader.read([])
    expect(openFds()).toBe(before)
  })
})
