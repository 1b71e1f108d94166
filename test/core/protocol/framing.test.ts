import { describe, expect, it } from 'vitest'
import { ErrorCode } from '../../../src/core/errors/codes.js'
import { FrameTooLargeError } from '../../../src/core/errors/frame-too-large-error.js'
import { FrameDecoder, MAX_FRAME_BYTES, encodeFrame } from '../../../src/core/protocol/framing.js'

/** A decoder that records what it emits. */
function collect(maxBytes?: number): { decoder: FrameDecoder; frames: string[]; errors: FrameTooLargeError[] } {
  const frames: string[] = []
  const errors: FrameTooLargeError[] = []
  const decoder = new FrameDecoder((line) => frames.push(line), (err) => errors.push(err), maxBytes)
  return { decoder, frames, errors }
}

/** Deterministic PRNG (mulberry32), so a failing hostile-stream case can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function bytesOf(...messages: unknown[]): Buffer {
  return Buffer.from(messages.map(encodeFrame).join(''), 'utf8')
}

const msgA = { id: 1, method: 'hello', params: { version: 1, client: 'cli' } }
const msgB = { id: 2, method: 'agents.list', params: {} }
const msgC = { event: 'state', data: { agent: 'w', to: 'online' } }
const unicode = { id: 'ü', text: 'héllo 😀 世界 🇫🇷 ⚙️ 𝄞', nested: { emoji: ['👩‍💻', '🔥'], cjk: '日本語のテキスト' } }

describe('encodeFrame', () => {
  it('is the JSON text followed by exactly one newline', () => {
    expect(encodeFrame(msgA)).toBe(`${JSON.stringify(msgA)}\n`)
  })

  it('escapes newlines inside strings, so a frame is always one line', () => {
    const frame = encodeFrame({ text: 'line 1\nline 2\r\n' })
    expect(frame.indexOf('\n')).toBe(frame.length - 1)
    expect(JSON.parse(frame)).toEqual({ text: 'line 1\nline 2\r\n' })
  })
})

describe('FrameDecoder', () => {
  it('splits several messages that arrive in one chunk', () => {
    const { decoder, frames, errors } = collect()
    decoder.push(bytesOf(msgA, msgB, msgC))
    expect(frames.map((f) => JSON.parse(f))).toEqual([msgA, msgB, msgC])
    expect(errors).toEqual([])
  })

  it('holds back a trailing partial message until its newline arrives', () => {
    const { decoder, frames } = collect()
    const all = bytesOf(msgA, msgB)
    const cut = encodeFrame(msgA).length + 5
    decoder.push(all.subarray(0, cut))
    expect(frames.map((f) => JSON.parse(f))).toEqual([msgA])
    decoder.push(all.subarray(cut))
    expect(frames.map((f) => JSON.parse(f))).toEqual([msgA, msgB])
  })

  it('reassembles a message split at every possible byte offset', () => {
    const all = bytesOf(msgA, msgB)
    for (let cut = 0; cut <= all.length; cut++) {
      const { decoder, frames, errors } = collect()
      decoder.push(all.subarray(0, cut))
      decoder.push(all.subarray(cut))
      expect(frames.map((f) => JSON.parse(f)), `cut at ${cut}`).toEqual([msgA, msgB])
      expect(errors).toEqual([])
    }
  })

  it('reassembles messages fed one byte at a time', () => {
    const { decoder, frames, errors } = collect()
    const all = bytesOf(msgA, unicode, msgB)
    for (let i = 0; i < all.length; i++) decoder.push(all.subarray(i, i + 1))
    expect(frames.map((f) => JSON.parse(f))).toEqual([msgA, unicode, msgB])
    expect(errors).toEqual([])
  })

  it('reassembles multi-byte characters (emoji, CJK) split across chunk boundaries at every offset', () => {
    const all = bytesOf(unicode)
    // The offsets that fall inside a character are the interesting ones; try them all.
    for (let cut = 1; cut < all.length; cut++) {
      const { decoder, frames } = collect()
      decoder.push(all.subarray(0, cut))
      decoder.push(all.subarray(cut))
      expect(frames, `cut at ${cut}`).toHaveLength(1)
      expect(frames[0]).not.toContain('\uFFFD')
      expect(JSON.parse(frames[0]!), `cut at ${cut}`).toEqual(unicode)
    }
  })

  it('reassembles a 4-byte emoji delivered in three chunks', () => {
    const { decoder, frames } = collect()
    const all = Buffer.from('"😀"\n', 'utf8')
    expect(all).toHaveLength(7)
    decoder.push(all.subarray(0, 2)) // '"' + first byte of the emoji
    decoder.push(all.subarray(2, 4))
    decoder.push(all.subarray(4))
    expect(frames).toEqual(['"😀"'])
  })

  it('reassembles messages from random chunk sizes', () => {
    const next = rng(7)
    const messages = Array.from({ length: 50 }, (_, i) => (i % 3 === 0 ? { ...unicode, i } : { id: i, method: 'x', params: { s: 'y'.repeat(i * 7) } }))
    const all = bytesOf(...messages)
    const { decoder, frames, errors } = collect()
    for (let i = 0; i < all.length; ) {
      const n = 1 + Math.floor(next() * 40)
      decoder.push(all.subarray(i, i + n))
      i += n
    }
    expect(frames.map((f) => JSON.parse(f))).toEqual(messages)
    expect(errors).toEqual([])
  })

  it('accepts string chunks as well as buffers', () => {
    const { decoder, frames } = collect()
    const text = encodeFrame(msgA) + encodeFrame(unicode)
    decoder.push(text.slice(0, 10))
    decoder.push(text.slice(10))
    expect(frames.map((f) => JSON.parse(f))).toEqual([msgA, unicode])
  })

  it('ignores empty and whitespace-only lines', () => {
    const { decoder, frames, errors } = collect()
    decoder.push(Buffer.from(`\n\n   \n\t\n${encodeFrame(msgA)}\r\n\n${encodeFrame(msgB)}\n`))
    expect(frames.map((f) => JSON.parse(f))).toEqual([msgA, msgB])
    expect(errors).toEqual([])
  })

  it('passes a malformed line through untouched: parsing is the caller’s job', () => {
    const { decoder, frames } = collect()
    decoder.push(Buffer.from('{not json\n'))
    expect(frames).toEqual(['{not json'])
  })

  describe('size cap', () => {
    it('is 1 MiB by default', () => {
      expect(MAX_FRAME_BYTES).toBe(1024 * 1024)
    })

    it('drops a frame over the cap, reports it once with E_FRAME_TOO_LARGE and decodes the next frame', () => {
      const { decoder, frames, errors } = collect(64)
      decoder.push(Buffer.from(`${encodeFrame(msgB)}"${'x'.repeat(200)}"\n${encodeFrame(msgA)}`))
      expect(frames.map((f) => JSON.parse(f))).toEqual([msgB, msgA])
      expect(errors).toHaveLength(1)
      expect(errors[0]).toBeInstanceOf(FrameTooLargeError)
      expect(errors[0]!.code).toBe('E_FRAME_TOO_LARGE')
      expect(errors[0]!.code).toBe(ErrorCode.FRAME_TOO_LARGE)
      expect(errors[0]!.message).toContain('64 bytes')
    })

    it('accepts a frame of exactly the cap, newline included, and drops one byte more', () => {
      const cap = 64
      // A JSON string frame: '"' + body + '"' + '\n'.
      const exact = `"${'a'.repeat(cap - 3)}"\n`
      const over = `"${'b'.repeat(cap - 2)}"\n`
      expect(Buffer.byteLength(exact)).toBe(cap)
      expect(Buffer.byteLength(over)).toBe(cap + 1)

      const ok = collect(cap)
      ok.decoder.push(Buffer.from(exact))
      expect(ok.frames).toEqual([exact.slice(0, -1)])
      expect(ok.errors).toEqual([])

      // MAX_FRAME_BYTES is documented as "one JSON message plus its newline".
      const big = collect(cap)
      big.decoder.push(Buffer.from(over))
      expect(big.frames).toEqual([])
      expect(big.errors).toHaveLength(1)
    })

    it('counts the cap in bytes, not characters', () => {
      const cap = 64
      // 40 characters, 80 bytes: under the cap in characters, over it in bytes.
      const { decoder, frames, errors } = collect(cap)
      decoder.push(Buffer.from(`"${'é'.repeat(40)}"\n`))
      expect(frames).toEqual([])
      expect(errors).toHaveLength(1)
    })

    it('reports an oversize frame that arrives in many chunks once, as soon as it passes the cap', () => {
      const cap = 1_000
      const { decoder, frames, errors } = collect(cap)
      decoder.push(Buffer.from('"'))
      let sent = 1
      // Feed 100x the cap in 100-byte chunks; the report must come the moment the cap is passed, not at the newline.
      while (sent <= cap) {
        decoder.push(Buffer.from('y'.repeat(100)))
        sent += 100
      }
      expect(errors).toHaveLength(1)
      for (let i = 0; i < 1_000; i++) decoder.push(Buffer.from('y'.repeat(100)))
      expect(errors).toHaveLength(1)
      expect(frames).toEqual([])
      decoder.push(Buffer.from(`"\n${encodeFrame(msgA)}`))
      expect(frames.map((f) => JSON.parse(f))).toEqual([msgA])
      expect(errors).toHaveLength(1)
    })

    it('does not carry the tail of a dropped frame into the next one when the newline shares a chunk with it', () => {
      const { decoder, frames, errors } = collect(64)
      decoder.push(Buffer.from('z'.repeat(100)))
      decoder.push(Buffer.from(`zzzz\n${encodeFrame(msgB).slice(0, 10)}`))
      decoder.push(Buffer.from(encodeFrame(msgB).slice(10)))
      expect(frames).toEqual([JSON.stringify(msgB)])
      expect(errors).toHaveLength(1)
    })

    it('reports each oversize frame once, and frames in between still arrive', () => {
      const { decoder, frames, errors } = collect(32)
      const big = `"${'q'.repeat(100)}"\n`
      decoder.push(Buffer.from(big + encodeFrame(1) + big + big + encodeFrame(2)))
      expect(frames).toEqual(['1', '2'])
      expect(errors).toHaveLength(3)
    })

    it('drops a frame over the real 1 MiB cap and recovers, without buffering it', () => {
      const { decoder, frames, errors } = collect()
      const chunk = Buffer.alloc(64 * 1024, 'w')
      decoder.push(Buffer.from('"'))
      // 16 MiB of one frame: buffering it would be slow; dropping it must not be.
      for (let i = 0; i < 256; i++) decoder.push(chunk)
      expect(errors).toHaveLength(1)
      decoder.push(Buffer.from(`"\n${encodeFrame(msgC)}`))
      expect(frames.map((f) => JSON.parse(f))).toEqual([msgC])
    })

    it('accepts a frame just under the real 1 MiB cap', () => {
      const { decoder, frames, errors } = collect()
      const payload = 'v'.repeat(MAX_FRAME_BYTES - 100)
      const all = bytesOf({ payload })
      for (let i = 0; i < all.length; i += 65_536) decoder.push(all.subarray(i, i + 65_536))
      expect(errors).toEqual([])
      expect(frames).toHaveLength(1)
      expect(JSON.parse(frames[0]!).payload).toHaveLength(payload.length)
    })
  })

  describe('against a hostile peer', () => {
    it('holds a frame sent one byte at a time in about its own size', () => {
      const { decoder, frames } = collect()
      const before = process.memoryUsage().arrayBuffers
      for (let i = 0; i < 200_000; i++) decoder.push(Buffer.from('x'))
      expect(decoder.partial).toBe(true)
      // 200 KB of frame: a buffer that doubles holds it in well under 1 MB
      expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(1_000_000)
      decoder.push(Buffer.from('\n'))
      expect(frames).toEqual(['x'.repeat(200_000)])
      expect(decoder.partial).toBe(false)
    })

    it.each([1, 2, 3, 42, 1337])('never throws on random bytes in random chunks (seed %i), and recovers at the next newline', (seed) => {
      const next = rng(seed)
      const cap = 256
      const { decoder, frames, errors } = collect(cap)
      expect(() => {
        for (let n = 0; n < 300; n++) {
          const len = Math.floor(next() * 200)
          const chunk = Buffer.alloc(len)
          for (let i = 0; i < len; i++) {
            const r = next()
            // Bias towards newlines, UTF-8 lead/continuation bytes and NULs, which stress the decoder most.
            chunk[i] = r < 0.03 ? 0x0a : r < 0.2 ? 0xf0 + Math.floor(next() * 8) : r < 0.4 ? 0x80 + Math.floor(next() * 64) : r < 0.45 ? 0 : Math.floor(next() * 256)
          }
          decoder.push(chunk)
        }
      }).not.toThrow()
      for (const f of frames) {
        expect(f).not.toContain('\n')
        // The cap counts wire bytes; each byte decodes to at most one UTF-16 unit (an invalid one to U+FFFD).
        expect(f.length).toBeLessThanOrEqual(cap)
      }
      for (const e of errors) expect(e.code).toBe('E_FRAME_TOO_LARGE')

      const before = frames.length
      decoder.push(Buffer.from(`\n${encodeFrame(unicode)}`))
      expect(frames.length).toBeGreaterThan(before)
      expect(JSON.parse(frames.at(-1)!)).toEqual(unicode)
    })

    it('survives a stream of nothing but newlines and lone continuation bytes', () => {
      const { decoder, frames, errors } = collect(16)
      expect(() => {
        decoder.push(Buffer.alloc(10_000, 0x0a))
        decoder.push(Buffer.alloc(10_000, 0x80))
        decoder.push(Buffer.from([0xf0, 0x9f]))
        decoder.push(Buffer.from('\n'))
      }).not.toThrow()
      expect(frames.every((f) => !f.includes('\n'))).toBe(true)
      expect(errors.length).toBeGreaterThanOrEqual(1)
      decoder.push(bytesOf(1))
      expect(frames.at(-1)).toBe('1')
    })
  })
})
