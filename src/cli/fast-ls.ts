/**
 * `orch ls` (and `list`, `status`) with or without `--json`, while the daemon
 * runs, without oclif: loading oclif and every command is most of the CLI's
 * start-up, and `orch ls` is the command typed most. bin/run.js tries this
 * first; anything else (another command or flag, no daemon, an error of any
 * kind) returns false before anything is printed, and the full CLI
 * (src/commands/ls.ts) runs as usual. The output is the full CLI's, byte for
 * byte (test/cli/fast-ls.test.ts checks it).
 */
import { existsSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { connectIfRunning } from '../core/client/ensure-daemon.js'
import type { DaemonClient } from '../core/client/daemon-client.js'
import { orchPaths } from '../core/paths.js'
import type { AgentInfo } from '../core/protocol/types.js'
import { colourEnabled, terminalColumns } from './colour.js'
import { renderAgents } from './render-agents.js'

const NAMES = new Set(['ls', 'list', 'status'])

/** Whether `argv` is a plain `orch ls [--json]` this path can serve: `json` tells which output. */
export function lsRequest(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): { json: boolean } | null {
  if (!NAMES.has(argv[0] ?? '')) return null
  const rest = argv.slice(1)
  if (rest.length > 1 || (rest.length === 1 && rest[0] !== '--json')) return null
  // oclif's switch for --json (ORCH_CONTENT_TYPE) is left to oclif
  if (env.ORCH_CONTENT_TYPE !== undefined) return null
  const json = rest.length === 1
  // a user's oclif theme colours --json: oclif prints that
  if (json && existsSync(join(env.ORCH_CONFIG_DIR ?? join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'orch'), 'theme.json'))) return null
  return { json }
}

/** Serves `argv` when it can (true: printed, done); false: nothing printed, run the full CLI. */
export async function fastLs(argv: readonly string[]): Promise<boolean> {
  const req = lsRequest(argv)
  if (!req) return false
  let client: DaemonClient | null = null
  let agents: AgentInfo[]
  try {
    client = await connectIfRunning(orchPaths())
    if (!client) return false
    agents = await client.call('agents.list', {})
  } catch {
    return false
  } finally {
    client?.close()
  }
  // as oclif prints them: its JSON (pretty, no theme) or the command's table, each with a newline
  const text = req.json ? JSON.stringify(agents, null, 2) : renderAgents(agents, { colour: colourEnabled(process.stdout), width: terminalColumns(process.stdout) })
  process.stdout.write(`${text}\n`)
  return true
}
