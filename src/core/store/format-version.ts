import { FileFormatError } from '../errors/file-format-error.js'
import { quote } from '../schema/problems.js'

/** Files written before formats carried a version are version 1. */
export const UNVERSIONED_FORMAT = 1

/** Written by a newer orch: a whole version above the one this orch writes. Not damage: never dropped. */
export function isNewerFormat(value: unknown, current: number): boolean {
  return Number.isInteger(value) && (value as number) > current
}

/** What is wrong with a version that is neither one of ours nor a newer one (damage: null, "1", 0), or null. */
export function damagedFormat(value: unknown, current: number): string | null {
  if (value === undefined || isNewerFormat(value, current)) return null
  return Number.isInteger(value) && (value as number) >= 1 ? null : `format version must be a whole number from 1, got ${quote(value)}`
}

/**
 * The format version `value` claims, checked against the one this orch
 * writes. A newer version is an error, never a silent cast: reading a
 * newer orch's file as if it were ours could lose or misread what it holds.
 */
export function checkFormatVersion(file: string, value: unknown, current: number): number {
  if (value === undefined) return UNVERSIONED_FORMAT
  if (Number.isInteger(value) && (value as number) >= 1 && (value as number) <= current) return value as number
  throw new FileFormatError(
    file,
    `${file} has format version ${quote(value)}, but this orch (format ${current}) cannot read it: it was written by a newer orch, or edited by hand. ` +
      'Run the orch that wrote it, or move the file away to start without it.',
  )
}
