/**
 * Replaces what sits between `<!-- generated:NAME:start -->` and
 * `<!-- generated:NAME:end -->` in a Markdown text, keeping everything
 * around it as written. A block named but absent is an error: the page and
 * the generator must agree on what is generated.
 */
export function replaceBlocks(markdown: string, blocks: Record<string, string>): string {
  let out = markdown
  for (const [name, content] of Object.entries(blocks)) {
    const start = `<!-- generated:${name}:start -->`
    const end = `<!-- generated:${name}:end -->`
    const from = out.indexOf(start)
    const to = out.indexOf(end)
    if (from < 0 || to < from) throw new Error(`docs: no block '${name}' (${start} … ${end})`)
    // blank lines around it: a table right after an HTML comment line is not a table everywhere
    out = `${out.slice(0, from + start.length)}\n\n${content}\n\n${out.slice(to)}`
  }
  return out
}
