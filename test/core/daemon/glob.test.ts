import { describe, expect, it } from 'vitest'
import { globToRegExp, isGlob } from '../../../src/core/daemon/glob.js'

const matches = (glob: string, path: string): boolean => globToRegExp(glob).test(path)

describe('globToRegExp', () => {
  it('* and ? stay within one segment', () => {
    expect(matches('*.log', 'out.log')).toBe(true)
    expect(matches('*.log', '.log')).toBe(true)
    expect(matches('*.log', 'a/out.log')).toBe(false)
    expect(matches('*.log', 'out.log.1')).toBe(false)
    expect(matches('?.txt', 'a.txt')).toBe(true)
    expect(matches('?.txt', 'ab.txt')).toBe(false)
    expect(matches('a/*/c', 'a/b/c')).toBe(true)
    expect(matches('a/*/c', 'a/b/x/c')).toBe(false)
  })

  it('a trailing ** is the folder and everything under it', () => {
    expect(matches('tmp/**', 'tmp')).toBe(true)
    expect(matches('tmp/**', 'tmp/a')).toBe(true)
    expect(matches('tmp/**', 'tmp/a/b.txt')).toBe(true)
    expect(matches('tmp/**', 'tmpx/a')).toBe(false)
    expect(matches('tmp/**', 'x/tmp/a')).toBe(false)
  })

  it('a leading ** is any depth, none included', () => {
    expect(matches('**/*.tmp', 'a.tmp')).toBe(true)
    expect(matches('**/*.tmp', 'x/y/a.tmp')).toBe(true)
    expect(matches('**/*.tmp', 'x/y/a.tmpl')).toBe(false)
    expect(matches('**', 'anything/at/all')).toBe(true)
    expect(matches('**/build', 'pkg/build')).toBe(true)
  })

  it('a middle ** is zero or more folders', () => {
    expect(matches('a/**/b', 'a/b')).toBe(true)
    expect(matches('a/**/b', 'a/x/b')).toBe(true)
    expect(matches('a/**/b', 'a/x/y/b')).toBe(true)
    expect(matches('a/**/**/b', 'a/x/b')).toBe(true)
    expect(matches('a/**/b', 'a/xb')).toBe(false)
  })

  it('other characters are literal', () => {
    expect(matches('a.b+c(1)[2]{3}$^|\\', 'a.b+c(1)[2]{3}$^|\\')).toBe(true)
    expect(matches('a.b', 'axb')).toBe(false)
  })

  it('isGlob: * or ? make a glob; anything else names a path', () => {
    expect(isGlob('*.log')).toBe(true)
    expect(isGlob('tmp/**')).toBe(true)
    expect(isGlob('a?')).toBe(true)
    expect(isGlob('logs/out.txt')).toBe(false)
    expect(isGlob('[abc]')).toBe(false)
  })
})
