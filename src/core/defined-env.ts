/**
 * An environment without its unset entries, as the protocol carries it: the
 * CLI sends its own with `agents.start` (the config sees it, agents started
 * now inherit it), and the daemon uses its own for a client that sends none.
 */
export function definedEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(env)) if (value !== undefined) out[name] = value
  return out
}
