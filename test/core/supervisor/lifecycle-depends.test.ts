import { afterEach, describe, expect, it, vi } from 'vitest'
import { agent, harness, record } from './helpers/harness.js'

afterEach(() => {
  vi.useRealTimers()
})

describe('dependsOn', () => {
  it('waits (starting, no process) until what it depends on is online, saying what it waits for', async () => {
    const h = harness()
    const db = h.add(agent('db'))
    const api = h.add(agent('api', { dependsOn: ['db'] }))
    h.sup.start(db, 'go')
    h.sup.start(api, 'go')
    expect(h.status('api')).toBe('starting')
    expect(api.record.pid).toBeNull()
    expect(h.story('api')).toEqual(['stopped→starting: waiting for db (starting)'])
    // a second start while it waits changes nothing
    expect(h.sup.start(api, 'again')).toBe(false)
    await h.tick(1_000)
    expect(h.status('db')).toBe('online')
    expect(h.story('api').at(-1)).toBe('starting→starting: db online')
    expect(h.spawner.count('api')).toBe(1)
  })

  it('a dependency that gave up shows in the reason: a wait that needs a hand', async () => {
    const h = harness()
    const db = h.add(agent('db', { maxRestarts: 0 }))
    const api = h.add(agent('api', { dependsOn: ['db'] }))
    h.sup.start(db, 'go')
    h.sup.start(api, 'go')
    await h.tick()
    h.spawner.last('db').exit(1)
    expect(h.status('db')).toBe('errored')
    expect(h.story('api').at(-1)).toBe('starting→starting: waiting for db (errored)')
    expect(h.spawner.count('api')).toBe(0)
    // started by hand, it comes online, and api follows
    h.sup.start(db, 'started by user')
    await h.tick(1_000)
    expect(h.spawner.count('api')).toBe(1)
  })

  it('records a new reason only when what it waits for changed', async () => {
    const h = harness()
    const db = h.add(agent('db'))
    const api = h.add(agent('api', { dependsOn: ['db'] }))
    h.sup.start(db, 'go')
    h.sup.start(api, 'go')
    await h.tick()
    // db: stopped→starting (spawned) keeps api's reason as it was
    expect(h.story('api')).toEqual(['stopped→starting: waiting for db (starting)'])
  })

  it('an unknown dependency does not block; deleting the dependency releases the waiters', async () => {
    const h = harness()
    const db = h.add(agent('db'))
    const api = h.add(agent('api', { dependsOn: ['db', 'nothing'] }))
    h.sup.start(api, 'go')
    expect(h.story('api')).toEqual(['stopped→starting: waiting for db (stopped)'])
    await h.sup.remove(db)
    await h.tick()
    expect(h.spawner.count('api')).toBe(1)
  })

  it('stopping a waiting instance ends the wait', async () => {
    const h = harness()
    const db = h.add(agent('db'))
    const api = h.add(agent('api', { dependsOn: ['db'] }))
    h.sup.start(api, 'go')
    await h.sup.stop(api, 'stopped by user')
    h.sup.start(db, 'go')
    await h.tick(1_000)
    expect(h.status('api')).toBe('stopped')
    expect(h.spawner.count('api')).toBe(0)
  })
})

describe('external agents', () => {
  it('starting until it connects, online while connected, starting again when it leaves', async () => {
    const h = harness()
    const ext = h.add(agent('ext', { type: 'external' }))
    h.sup.start(ext, 'go')
    expect(h.story('ext')).toEqual(['stopped→starting: go; waiting for it to connect (external agent)'])
    h.sup.externalConnected(ext, 99)
    expect(h.sup.get('ext')?.peerPid).toBe(99)
    h.sup.externalDisconnected(ext)
    await h.sup.stop(ext, 'stopped by user')
    expect(h.story('ext').slice(1)).toEqual(['starting→online: connected (pid 99)', 'online→starting: disconnected', 'starting→stopped: stopped by user'])
    expect(h.spawner.count('ext')).toBe(0)
  })

  it('a new daemon shows one saved online as starting until it connects again', async () => {
    const h = harness()
    h.sup.adopt([record(agent('ext', { type: 'external' }), { status: 'online', desired: 'running' })])
    expect(h.story('ext')).toEqual(['online→starting: started by a new daemon; waiting for it to connect (external agent)'])
  })
})
