#!/usr/bin/env node
// The CLI runs from one bundle (scripts/bundle.mjs) for start-up speed; `orch ls`
// while the daemon runs from a smaller one still, without oclif (src/cli/fast-ls.ts).
const argv = process.argv.slice(2)
if (!['ls', 'list', 'status'].includes(argv[0]) || !(await (await import('../dist/cli/fast-ls.js')).fastLs(argv))) {
  const { main } = await import('../dist/cli/entry.js')
  await main(import.meta.url)
}
