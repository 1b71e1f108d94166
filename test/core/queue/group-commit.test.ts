import { afterEach, describe, expect, it, vi } from 'vitest'
import { GroupCommit, REMOVAL_DELAY_MS, type WriteBatch } from '../../../src/core/queue/group-commit.js'
import type { Message } from '../../../src/core/queue/message.js'

const msg = (id: string, attempts = 0) => ({ id, attempts }) as Message

describe('GroupCommit', () => {
  it('coalesces calls made while a write is in flight into one next batch', async () => {
    const batches: WriteBatch[] = []
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    const commits = new GroupCommit(async (b) => {
      batches.push(b)
      if (batches.length === 1) await gate
    })
    const first = commits.insert([msg('a')])
    await Promise.resolve()
    await Promise.resolve()
    const rest = Array.from({ length: 100 }, (_, i) => commits.insert([msg(`b${i}`)]))
    const upd = [commits.update([msg('a', 1)]), commits.update([msg('a', 2)])]
    const rem = commits.remove(['b0'])
    release()
    await Promise.all([first, ...rest, ...upd, rem])
    expect(batches).toHaveLength(2)
    expect(batches[0]!.inserts.map((m) => m.id)).toEqual(['a'])
    expect(batches[1]!.inserts).toHaveLength(100)
    // the last update of a message wins
    expect(batches[1]!.updates.get('a')!.attempts).toBe(2)
    expect([...batches[1]!.removes]).toEqual(['b0'])
  })

  it('gathers calls made in the same tick into the first batch', async () => {
    const sizes: number[] = []
    const commits = new GroupCommit(async (b) => void sizes.push(b.inserts.length))
    await Promise.all(Array.from({ length: 50 }, (_, i) => commits.insert([msg(`m${i}`)])))
    expect(sizes).toEqual([50])
  })

  it('rejects every caller of a failed batch, and carries on with the next', async () => {
    let calls = 0
    const commits = new GroupCommit(async () => {
      calls += 1
      if (calls === 1) throw new Error('disk full')
    })
    const failed = [commits.insert([msg('a')]), commits.remove(['x'])]
    for (const p of failed) await expect(p).rejects.toThrow('disk full')
    await expect(commits.insert([msg('b')])).resolves.toBeUndefined()
  })

  it('flush waits for everything requested so far', async () => {
    const written: string[] = []
    const commits = new GroupCommit(async (b) => {
      await new Promise((r) => setImmediate(r))
      for (const m of b.inserts) written.push(m.id)
    })
    void commits.insert([msg('a')])
    await Promise.resolve()
    void commits.insert([msg('b')])
    await commits.flush()
    expect(written).toEqual(['a', 'b'])
  })

  describe('removals (acks) wait for company', () => {
    afterEach(() => void vi.useRealTimers())
    const ticks = async (): Promise<void> => {
      for (let i = 0; i < 5; i++) await Promise.resolve()
    }
    const recording = (): { batches: WriteBatch[]; commits: GroupCommit } => {
      const batches: WriteBatch[] = []
      return { batches, commits: new GroupCommit(async (b) => void batches.push(b)) }
    }

    it('a removal rides with the next insert: one write for both', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
      const { batches, commits } = recording()
      let removed = false
      const rem = commits.remove(['acked']).then(() => (removed = true))
      await ticks()
      // not written, so not answered: a crash now delivers the message again
      expect(batches).toHaveLength(0)
      expect(removed).toBe(false)
      await commits.insert([msg('next')])
      await rem
      expect(batches).toHaveLength(1)
      expect(batches[0]!.inserts.map((m) => m.id)).toEqual(['next'])
      expect([...batches[0]!.removes]).toEqual(['acked'])
    })

    it(`a removal alone is written ${REMOVAL_DELAY_MS} ms later, and at once on flush`, async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
      const { batches, commits } = recording()
      const rem = commits.remove(['a'])
      await vi.advanceTimersByTimeAsync(REMOVAL_DELAY_MS - 1)
      expect(batches).toHaveLength(0)
      await vi.advanceTimersByTimeAsync(1)
      await rem
      expect(batches.map((b) => [...b.removes])).toEqual([['a']])

      void commits.remove(['b'])
      await commits.flush()
      expect(batches.map((b) => [...b.removes])).toEqual([['a'], ['b']])
    })

    it('an update does not wait, and takes a waiting removal along', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
      const { batches, commits } = recording()
      const rem = commits.remove(['a'])
      await commits.update([msg('b', 1)])
      await rem
      expect(batches).toHaveLength(1)
      expect([...batches[0]!.removes]).toEqual(['a'])
    })
  })
})
