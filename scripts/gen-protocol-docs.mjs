// Writes docs/protocol.md's generated blocks (methods, events, shapes, error
// codes) from the protocol's schemas, as built in dist/ (npm run docs:gen
// builds first). `--check` writes nothing and fails when the page is stale.
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const { generateProtocolDocs } = await import(join(root, 'dist/src/core/protocol/docs/protocol-docs.js'))
const page = join(root, 'docs/protocol.md')
const before = readFileSync(page, 'utf8')
const after = generateProtocolDocs(before)
if (process.argv.includes('--check')) {
  if (after !== before) {
    console.error('docs/protocol.md is stale: run npm run docs:gen')
    process.exit(1)
  }
  console.log('docs/protocol.md is up to date')
} else if (after !== before) {
  writeFileSync(page, after)
  console.log('wrote docs/protocol.md')
} else {
  console.log('docs/protocol.md was up to date')
}
