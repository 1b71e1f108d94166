import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { ROOT } from './orch.js'

export const BIN = join(ROOT, 'bin', 'run.js')

export interface BinResult {
  stdout: string
  stderr: string
  status: number | null
}

/**
 * Runs the real `orch` executable (bin/run.js, the bundled CLI) as a child
 * process: what a shell sees, exit status and both streams included, which
 * in-process runCommand cannot show.
 */
export function runBin(args: string[], env: Record<string, string | undefined> = {}, opts: { cwd?: string } = {}): Promise<BinResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', reject)
    child.on('close', (status) => resolve({ stdout, stderr, status }))
  })
}

/** `fn` over `items`, at most `limit` at a time: many `orch` processes at once slow down the other test files' daemons. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++
      results[i] = await fn(items[i]!)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}
