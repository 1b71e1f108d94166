import { describe, expect, it } from 'vitest'
import { LineBuffer } from '../../../src/core/history/line-buffer.js'

describe('LineBuffer', () => {
  it('holds lines as UTF-8 bytes, grows past its first size, and is empty after take', () => {
    const b = new LineBuffer()
    const lines = Array.from({ length: 3000 }, (_, i) => `{"t":${i},"ev":"stored","id":"m${i}","type":"héllo ✓ ${'x'.repeat(i % 50)}"}`)
    for (const l of lines) b.push(l)
    expect(b.lines).toBe(3000)
    const bytes = b.take()
    expect(bytes.toString('utf8')).toBe(`${lines.join('\n')}\n`)
    expect(b.lines).toBe(0)
    expect(b.take().length).toBe(0)
    b.push('{"t":1}')
    expect(b.take().toString()).toBe('{"t":1}\n')
  })
})
