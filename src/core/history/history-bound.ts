/** How much history is kept: whichever limit is reached first. */
export interface HistoryBound {
  /** record message events at all */
  enabled: boolean
  /** the newest this many events are kept */
  maxEvents: number
  /** events older than this (ms) go */
  maxAgeMs: number
}

export const DEFAULT_HISTORY_MAX_EVENTS = 100_000
export const DEFAULT_HISTORY_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000

export const DEFAULT_HISTORY_BOUND: HistoryBound = { enabled: true, maxEvents: DEFAULT_HISTORY_MAX_EVENTS, maxAgeMs: DEFAULT_HISTORY_MAX_AGE_MS }
