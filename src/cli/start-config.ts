import type { DaemonClient } from '../core/client/daemon-client.js'
import type { ResultOf } from '../core/protocol/methods.js'
import { definedEnv } from '../core/defined-env.js'

/** The agents of a config started as `orch start CONFIG` starts them: `orch daemon run CONFIG` asks its own daemon, with its environment. */
export function startConfig(client: DaemonClient, configPath: string, cwd: string): Promise<ResultOf<'agents.start'>> {
  return client.call('agents.start', { configPath, cwd, env: definedEnv() })
}
