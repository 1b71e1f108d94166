/**
 * How far a write has gone when the queue answers it.
 * - 'buffered': in the kernel. A kill -9 of the daemon loses nothing answered;
 *   a power cut or kernel crash may lose the last writes.
 * - 'fsync': on disk (fdatasync per group commit). A power cut loses nothing answered.
 */
export type Durability = 'buffered' | 'fsync'

export const DURABILITY_VALUES: readonly Durability[] = ['buffered', 'fsync']
export const DEFAULT_DURABILITY: Durability = 'buffered'
