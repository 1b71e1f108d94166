import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Mounting a tmpfs needs root; tests that fill a disk are skipped otherwise. */
export const CAN_MOUNT = process.getuid?.() === 0
export const NEEDS_ROOT = 'needs root to mount a small tmpfs (skipped: not running as root)'

/** A tiny filesystem of its own, to fill up: `resize` gives space back (or takes it), `unmount` removes it. */
export interface SmallDisk {
  dir: string
  resize(size: string): void
  unmount(): void
}

export function mountSmallDisk(size: string): SmallDisk {
  const dir = mkdtempSync(join(tmpdir(), 'orch-disk-'))
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir])
  return {
    dir,
    resize: (to) => execFileSync('mount', ['-o', `remount,size=${to}`, dir]),
    unmount: () => {
      try {
        execFileSync('umount', [dir])
      } catch {
        // still busy (a process of the test outlived it): detach it anyway, and leave the empty mount point
        execFileSync('umount', ['-l', dir])
        return
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
