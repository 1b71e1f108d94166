import type { AgentStatus } from '../protocol/types.js'
import type { LifecycleEvent, TransitionRow } from './transitions.js'

const LIVE: AgentStatus[] = ['starting', 'online']
const DOWN: AgentStatus[] = ['stopped', 'errored']
/** where a spawn can begin: a start, a met dependency or a restart delay */
const BEFORE_SPAWN: AgentStatus[] = ['stopped', 'errored', 'backoff', 'starting']

/** An exit and a lost identity go through the restart policy alike. */
function policyRows(event: LifecycleEvent): TransitionRow[] {
  return [
    { from: ['stopping'], event, to: null, effects: [], note: 'the stop under way owns this exit' },
    { from: LIVE, event, when: ['policy restarts'], to: 'backoff', effects: ['clean-up', 'count-restart', 'schedule-restart'] },
    { from: LIVE, event, when: ['policy stops'], to: 'stopped', effects: ['clean-up', 'desire-stopped'] },
    { from: LIVE, event, when: ['policy gives up'], to: 'errored', effects: ['clean-up'] },
  ]
}

/**
 * First match wins. A state × event pair with no row is ignored (a late
 * timer, a ready from a process that is not starting, a second start).
 * Every timer, exit watcher and spawn belongs to one attempt: what comes
 * back for an older attempt never reaches this table (a spawn of a void
 * attempt is killed at once).
 */
export const TRANSITION_TABLE: readonly TransitionRow[] = [
  // ---- external agents: not spawned, online while connected
  { from: [...DOWN, 'backoff', 'starting'], event: 'start', when: ['external', 'connected'], to: 'online', effects: [] },
  { from: [...DOWN, 'backoff', 'online'], event: 'start', when: ['external', 'not connected'], to: 'starting', effects: [] },
  { from: ['starting'], event: 'connected', when: ['external'], to: 'online', effects: [] },
  { from: ['online'], event: 'disconnected', when: ['external'], to: 'starting', effects: [] },

  // ---- starting
  { from: ['stopping'], event: 'start', to: null, effects: ['start-after-stop'], note: 'start during stop' },
  { from: [...DOWN, 'backoff'], event: 'start', when: ['spawning'], to: null, effects: [], note: 'a spawn is under way' },
  { from: DOWN, event: 'start', when: ['dependencies pending'], to: 'starting', effects: ['reset-budget', 'wait-for-dependencies'] },
  { from: DOWN, event: 'start', to: null, effects: ['reset-budget', 'spawn'], note: 'recorded as starting once spawned' },
  { from: ['starting'], event: 'dependency-changed', when: ['waiting', 'dependencies met'], to: null, effects: ['spawn'] },
  { from: ['starting'], event: 'dependency-changed', when: ['waiting', 'wait changed'], to: 'starting', effects: ['wait-for-dependencies'] },
  { from: BEFORE_SPAWN, event: 'spawned', to: 'starting', effects: ['take-process', 'emit-spawned', 'arm-start-timer'] },
  { from: BEFORE_SPAWN, event: 'spawn-failed', to: 'starting', effects: ['treat-as-exit'] },
  { from: ['starting'], event: 'grace-elapsed', when: ['spawned'], to: 'online', effects: [] },
  { from: ['starting'], event: 'ready', when: ['spawned'], to: 'online', effects: [] },
  { from: ['starting'], event: 'ready-timeout', when: ['spawned'], to: null, effects: ['kill-for-restart'] },

  // ---- running: exits and the restart policy
  { from: LIVE, event: 'memory-over-limit', when: ['spawned'], to: null, effects: ['kill-for-restart'] },
  ...policyRows('exit'),
  ...policyRows('pid-reused'),
  { from: ['backoff'], event: 'backoff-elapsed', to: null, effects: ['spawn'], note: 'recorded as starting once spawned' },

  // ---- stopping
  { from: ['stopping'], event: 'stop', to: null, effects: ['wait-for-stop'] },
  { from: [...LIVE, 'stopped'], event: 'stop', when: ['spawned'], to: 'stopping', effects: ['cancel-attempt', 'signal-group'], note: 'stopped: a live process a new daemon found being stopped' },
  { from: [...LIVE, 'backoff'], event: 'stop', to: 'stopped', effects: ['cancel-attempt'], note: 'no process: waiting, spawning or a restart pending' },
  { from: DOWN, event: 'stop', to: null, effects: ['cancel-attempt'] },
  { from: ['stopping'], event: 'stop-finished', when: ['denied'], to: 'errored', effects: ['release-process'] },
  { from: ['stopping'], event: 'stop-finished', when: ['survivors'], to: 'errored', effects: ['release-process'] },
  { from: ['stopping'], event: 'stop-finished', to: 'stopped', effects: ['release-process', 'emit-exited'] },

  // ---- reload: a new process next to the old one, which stops only once the new one is online (see successors.ts)
  { from: LIVE, event: 'reload', when: ['spawned'], to: null, effects: ['spawn-successor'], note: 'the old process keeps running and serving' },
  { from: LIVE, event: 'successor-online', to: 'online', effects: ['take-successor', 'emit-spawned', 'retire-process'] },
  { from: ['online'], event: 'successor-failed', to: 'online', effects: [], note: 'the new process was stopped; the old one keeps running' },
  { from: ['starting'], event: 'successor-failed', to: 'starting', effects: [], note: 'the same, for an old process not yet online' },

  // ---- a new daemon adopts what the last one left (saved `stopping` and `backoff` count as `stopped`: their stops and timers died with it)
  { from: ['online'], event: 'adopt', when: ['alive', 'desired running'], to: 'online', effects: ['renew-token'] },
  { from: ['starting'], event: 'adopt', when: ['alive', 'desired running'], to: 'starting', effects: ['arm-start-timer', 'renew-token'] },
  { from: [...LIVE, ...DOWN], event: 'adopt', when: ['alive'], to: null, effects: ['finish-stop'], note: 'it was being stopped, or is not wanted' },
  { from: ['errored'], event: 'adopt', to: null, effects: [], note: 'gave up before: needs a manual start' },
  { from: LIVE, event: 'adopt', when: ['desired stopped'], to: 'stopped', effects: [] },
  { from: LIVE, event: 'adopt', when: ['adopt only'], to: 'stopped', effects: [] },
  { from: ['stopped'], event: 'adopt', when: ['desired stopped'], to: null, effects: [] },
  { from: ['stopped'], event: 'adopt', when: ['adopt only'], to: null, effects: [] },
  { from: ['stopped'], event: 'adopt', to: null, effects: ['start-again'] },
  { from: LIVE, event: 'adopt', when: ['no process'], to: null, effects: ['start-again'] },
  { from: LIVE, event: 'adopt', to: null, effects: ['treat-as-exit'], note: 'died while no daemon ran' },
]
