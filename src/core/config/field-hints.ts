import { closest } from '../schema/closest.js'
import { WATCH_DEBOUNCE_MS } from './defaults.js'

/**
 * What an unknown config field probably meant: pm2's name for an orch field
 * (people bring their ecosystem files), or a typo of a known field.
 */
const PM2_TOP_LEVEL: Record<string, string> = {
  apps: "pm2's 'apps' is orch's 'agents'",
}

const PM2_AGENT: Record<string, string> = {
  max_memory_restart: "pm2's name; orch calls it 'maxMemory'",
  instance: "orch calls it 'instances'",
  max_restarts: "pm2's name; orch calls it 'maxRestarts' (counted within 'restartWindow')",
  restart_delay: "pm2's name; orch backs off exponentially: 'backoff: { initial, max, factor }'",
  exp_backoff_restart_delay: "pm2's name; orch backs off exponentially: 'backoff: { initial, max, factor }'",
  min_uptime: "pm2's name; orch counts an agent online after 'startGrace' (or when it calls ready()) and limits restarts with 'maxRestarts' in 'restartWindow'",
  exec_mode: "orch has no cluster mode: each of 'instances' is its own process, and the queue spreads messages sent to the name among them",
  kill_timeout: "pm2's name; orch calls it 'killTimeout'",
  node_args: "pm2's name; orch calls it 'nodeArgs' (type 'node')",
  interpreter: "orch runs .js/.ts with 'script'; for any other program use 'command' (type 'process')",
  ignore_watch: "pm2's name; orch calls it 'ignoreWatch'",
  watch_delay: `orch restarts once changes have settled for ${WATCH_DEBOUNCE_MS} ms; it cannot be set`,
  watch_options: "orch has no chokidar options; 'ignoreWatch' lists what not to watch (node_modules, .git and ORCH_HOME never are)",
  out_file: "orch writes each agent's output to ORCH_HOME/logs/<id>.out.log; 'orch logs NAME' reads it",
  error_file: "orch writes each agent's errors to ORCH_HOME/logs/<id>.err.log; 'orch logs NAME' reads it",
  log_file: "orch writes each agent's output to ORCH_HOME/logs; 'orch logs NAME' reads it",
  env_production: "orch has one 'env' per agent; choose the values in the config itself (it is code)",
  wait_ready: "orch waits for ready() when 'readyTimeout' is set",
  listen_timeout: "pm2's name; orch calls it 'readyTimeout'",
}

function form(name: string): string {
  return name.toLowerCase().replace(/[_-]/g, '')
}

/** ` (…)` to add after "unknown field 'x'", or '' when nothing is likely. */
export function fieldHint(key: string, known: readonly string[], where: 'top' | 'agent' | 'queue' | 'otlp' | 'metrics' | 'history' | 'dashboard'): string {
  const pm2 = where === 'top' ? PM2_TOP_LEVEL[key] : where === 'agent' ? PM2_AGENT[key] : undefined
  if (pm2) return ` (${pm2})`
  // compared without case, '_' and '-': `max_restarts` and `maxrestarts` both mean 'maxRestarts'
  const byForm = new Map(known.map((k) => [form(k), k]))
  const near = closest(form(key), [...byForm.keys()])
  return near ? ` (did you mean '${byForm.get(near)}'?)` : ''
}
