import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { replaceBlocks } from '../../../src/core/protocol/docs/generated-blocks.js'
import { generateProtocolDocs } from '../../../src/core/protocol/docs/protocol-docs.js'
import { ERROR_CODE_DOCS } from '../../../src/core/protocol/error-code-docs.js'
import { ErrorCode } from '../../../src/core/protocol/error-codes.js'
import { METHODS } from '../../../src/core/protocol/methods.js'

const page = join(import.meta.dirname, '../../../docs/protocol.md')

describe('docs/protocol.md', () => {
  const text = readFileSync(page, 'utf8')
  const readme = readFileSync(join(import.meta.dirname, '../../../README.md'), 'utf8')

  it('is what the schemas and the error-code table generate (npm run docs:gen)', () => {
    // compared by hand rather than with toBe, for a message that says what to do
    const fresh = generateProtocolDocs(text)
    if (fresh !== text) expect.fail('docs/protocol.md is stale: run `npm run docs:gen` and commit the result')
  })

  it('documents every method and every error code', () => {
    for (const method of Object.keys(METHODS)) expect(text).toContain(`#### \`${method}\``)
    for (const code of Object.values(ErrorCode)) {
      // the CLI's own codes never reach the wire: the README documents them
      if (ERROR_CODE_DOCS[code].side === 'cli') expect(readme).toContain(`\`${code}\``)
      else expect(text).toContain(`| \`${code}\` |`)
    }
  })
})

describe('replaceBlocks', () => {
  it('replaces what is between the markers and keeps the rest', () => {
    const md = 'before\n<!-- generated:x:start -->\nold\n<!-- generated:x:end -->\nafter'
    expect(replaceBlocks(md, { x: 'new' })).toBe('before\n<!-- generated:x:start -->\n\nnew\n\n<!-- generated:x:end -->\nafter')
  })

  it('refuses a block the page does not have', () => {
    expect(() => replaceBlocks('no markers', { x: 'new' })).toThrow(/no block 'x'/)
  })
})
