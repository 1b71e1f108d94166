import { describe, expect, it } from 'vitest'
import type { AgentDescription, AgentInfo } from '../../src/core/protocol/types.js'
import { fixture, isAlive, killDaemon, orch, orchJson, useHomes, waitFor, writeConfig } from '../helpers/orch.js'

const home = useHomes()

describe('orch kill after the daemon crashed', () => {
  it('stops every agent the dead daemon left (SIGKILL after killTimeout for one that ignores SIGTERM), and they stay stopped', async () => {
    const t = home()
    const cfg = writeConfig(t, [
      { name: 'tick', script: fixture('tick.js'), instances: 2, startGrace: '100ms' },
      { name: 'stubborn', script: fixture('ignore-sigterm.js'), killTimeout: '300ms', startGrace: '100ms' },
    ])
    await orchJson(['start', cfg])
    const agents = await waitFor(async () => {
      const list = await orchJson<AgentInfo[]>(['ls'])
      return list.length === 3 && list.every((a) => a.status === 'online' && a.pid !== null) && list
    }, 'three agents online')
    const pids = agents.map((a) => a.pid!)
    const { pid: daemonPid } = await orchJson<{ pid: number }>(['daemon', 'status'])

    // and its watchdog, which would otherwise bring it back before `orch kill`
    expect(killDaemon(t)).toBe(daemonPid)
    await waitFor(() => !isAlive(daemonPid), 'the daemon gone')
    expect(pids.every(isAlive)).toBe(true)

    const r = await orchJson<{ stopped: string[]; daemon: string; recovered?: boolean }>(['kill'])
    expect(r).toMatchObject({ daemon: 'stopped', recovered: true })
    expect(r.stopped.sort()).toEqual(['stubborn', 'tick:0', 'tick:1'])
    expect(pids.filter(isAlive)).toEqual([])

    // a later daemon finds them stopped, and meant to stay so
    const after = await orchJson<AgentInfo[]>(['ls'])
    expect(after.map((a) => [a.id, a.status, a.pid, a.desired]).sort()).toEqual([
      ['stubborn', 'stopped', null, 'stopped'],
      ['tick:0', 'stopped', null, 'stopped'],
      ['tick:1', 'stopped', null, 'stopped'],
    ])
    const stubborn = await orchJson<AgentDescription>(['describe', 'stubborn'])
    expect(stubborn.events.at(-1)!.reason).toMatch(/SIGKILL after 300ms/)
    // and `orch resurrect` still knows what ran
    expect((await orchJson<{ started: string[] }>(['resurrect'])).started.sort()).toEqual(['stubborn', 'tick:0', 'tick:1'])
  })

  it('does not start an agent it finds dead just to stop it', async () => {
    const t = home()
    await orchJson(['start', writeConfig(t, [{ name: 'alive', script: fixture('tick.js'), startGrace: '100ms' }, { name: 'gone', script: fixture('tick.js'), startGrace: '100ms' }])])
    const agents = await waitFor(async () => {
      const list = await orchJson<AgentInfo[]>(['ls'])
      return list.length === 2 && list.every((a) => a.status === 'online') && list
    }, 'both online')
    killDaemon(t)
    const gone = agents.find((a) => a.name === 'gone')!
    process.kill(gone.pid!, 'SIGKILL')
    await waitFor(() => !isAlive(gone.pid!), 'gone dead')
    const r = await orchJson<{ stopped: string[]; recovered?: boolean }>(['kill'])
    expect(r.recovered).toBe(true)
    const d = await orchJson<AgentDescription>(['describe', 'gone'])
    const reasons = d.events.map((e) => e.reason).join('\n')
    expect(reasons).toMatch(/found dead by a daemon started to stop the agents/)
    // never spawned again: no restart, no start by the new daemon
    expect(reasons).not.toMatch(/restart after|started by a new daemon|died while no daemon was running/)
  })

  it('says no daemon runs when nothing was left running', async () => {
    home()
    const r = await orch(['kill'])
    expect(r.stdout).toMatch(/^no daemon runs for /)
    await orchJson(['ls'])
    await orchJson(['kill'])
    expect((await orch(['kill'])).stdout).toMatch(/^no daemon runs for /)
  })
})
