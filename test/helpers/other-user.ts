import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'

/** Tests that need a second local user run as root only; this says why they are skipped otherwise. */
export const IS_ROOT = process.getuid?.() === 0
export const NOT_ROOT_REASON = 'needs root to create a throwaway user (useradd); CI runs as root'

export interface OtherUser {
  name: string
  uid: number
  gid: number
  /** Runs `node script ...args` as this user. */
  node(script: string, args: string[]): ChildProcess
  /** Deletes the user (after its processes are gone). */
  remove(): void
}

/** A throwaway local user without a home or a login shell. */
export function createOtherUser(): OtherUser {
  const name = `orcht${randomBytes(4).toString('hex')}`
  execFileSync('useradd', ['--no-create-home', '--shell', '/usr/sbin/nologin', name])
  const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim())
  const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim())
  return {
    name,
    uid,
    gid,
    node: (script, args) => spawn(process.execPath, [script, ...args], { uid, gid, cwd: '/', env: { PATH: process.env.PATH }, stdio: ['pipe', 'pipe', 'inherit'] }),
    remove: () => {
      try {
        execFileSync('userdel', [name])
      } catch {}
    },
  }
}
