/** Stable queue error codes. Add new ones at the end; never rename or reuse one. */
export const QueueErrorCode = {
  INVALID_MESSAGE: 'E_INVALID_MESSAGE',
  UNKNOWN_RECIPIENT: 'E_UNKNOWN_RECIPIENT',
  NOT_LEASED: 'E_NOT_LEASED',
  QUEUE_CLOSED: 'E_QUEUE_CLOSED',
  /** the store could not write (disk full, short write): the sends of that write were not stored */
  STORE_FULL: 'E_STORE_FULL',
  /** `replay` of an id (or prefix) that names no dead letter */
  NO_DEAD_LETTER: 'E_NO_DEAD_LETTER',
  /** `replay` of a prefix that names several dead letters */
  AMBIGUOUS_ID: 'E_AMBIGUOUS_ID',
} as const
export type QueueErrorCodeValue = (typeof QueueErrorCode)[keyof typeof QueueErrorCode]
