import { describe, expect, it } from 'vitest'
import { safeCell, safeLine, safeText } from '../../src/cli/safe-text.js'

describe('safe text', () => {
  it('escapes C0, DEL, C1 and bidi controls, readably', () => {
    expect(safeText('a\x1b[2Jb\x07c\x7fd\x9be\u202ef\x00')).toBe('a\\x1b[2Jb\\x07c\\x7fd\\x9be\\u202ef\\x00')
    expect(safeText('carriage\rreturn')).toBe('carriage\\rreturn')
  })

  it('leaves ordinary text alone, non-ASCII included', () => {
    for (const s of ['plain', 'élève 日本 ✓', 'a "quoted" \\ path']) expect(safeText(s)).toBe(s)
  })

  it('keeps newlines and tabs in free text, tabs in a line, neither in a cell', () => {
    expect(safeText('a\n\tb')).toBe('a\n\tb')
    expect(safeLine('a\n\tb')).toBe('a\\n\tb')
    expect(safeCell('a\n\tb')).toBe('a\\n\\tb')
  })
})
