import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { PACKAGE_ROOT } from '../package-root.js'
import type { CompileAnswer, CompileRequest } from './compile-request.js'

/** The compiler child's entry (not bundled: only it loads esbuild's API). */
export const COMPILE_MAIN = join(PACKAGE_ROOT, 'dist', 'src', 'core', 'compile', 'compile-main.js')
/** The child stays this long after its last answer, for the next start (a crash loop, a scale-up) to reuse. */
export const COMPILER_IDLE_MS = 30_000
const STDERR_TAIL_CHARS = 2_000

interface Pending {
  resolve: (file: string) => void
  reject: (err: Error) => void
}

/**
 * Compiles TypeScript agents in a child process (compile-main.ts), never in
 * the daemon: esbuild's JavaScript API would stay in the daemon's memory for
 * good once loaded. One child serves every compile of a burst (50 agents
 * starting are 50 requests to one esbuild), and leaves after
 * COMPILER_IDLE_MS without work. It does not keep the daemon alive, and it
 * exits with it (its IPC channel closes).
 */
export class CompilerChild {
  private child: ChildProcess | null = null
  private readonly pending = new Map<number, Pending>()
  private nextId = 1
  private idleTimer: NodeJS.Timeout | undefined
  private stderr = ''

  constructor(
    private readonly main = COMPILE_MAIN,
    private readonly idleMs = COMPILER_IDLE_MS,
  ) {}

  /** The compiled file of `script` in `cacheDir` (see compileTs); a compile error rejects with its message. */
  compile(script: string, cacheDir: string): Promise<string> {
    clearTimeout(this.idleTimer)
    const child = this.child ?? this.spawn()
    const id = this.nextId++
    return new Promise<string>((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      const req: CompileRequest = { id, script, cacheDir }
      child.send(req, (err) => {
        if (err) this.settle(id, () => reject(new Error(`cannot compile ${script}: the compiler process did not take the request (${err.message})`)))
      })
    })
  }

  /** Ends the child now (daemon shutdown); pending compiles fail. */
  stop(): void {
    clearTimeout(this.idleTimer)
    this.child?.kill('SIGKILL')
  }

  /** The child's pid while it runs (tests). */
  get pid(): number | null {
    return this.child?.pid ?? null
  }

  private spawn(): ChildProcess {
    this.stderr = ''
    const child = spawn(process.execPath, [this.main], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] })
    this.child = child
    child.stderr!.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-STDERR_TAIL_CHARS)
    })
    child.on('message', (answer: CompileAnswer) => {
      this.settle(answer.id, (p) => (answer.ok ? p.resolve(answer.file) : p.reject(new Error(answer.message))))
    })
    const gone = (why: string) => {
      if (this.child !== child) return
      this.child = null
      clearTimeout(this.idleTimer)
      const said = this.stderr.trim() ? `: ${this.stderr.trim().split('\n').slice(-5).join('\n')}` : ''
      const failed = [...this.pending.values()]
      this.pending.clear()
      for (const p of failed) p.reject(new Error(`cannot compile: the compiler process ended (${why})${said}`))
    }
    child.on('error', (err) => gone(err.message))
    child.on('exit', (code, signal) => gone(signal ?? `exit code ${code}`))
    // neither the child nor its channel keeps the daemon's event loop alive
    child.unref()
    child.channel?.unref()
    return child
  }

  /** Lets the idle child go: it exits once its channel closes; the next compile starts a new one. */
  private retire(): void {
    const child = this.child
    this.child = null
    if (child?.connected) child.disconnect()
  }

  private settle(id: number, fn: (p: Pending) => void): void {
    const p = this.pending.get(id)
    if (!p) return
    this.pending.delete(id)
    if (this.pending.size === 0) {
      this.idleTimer = setTimeout(() => this.retire(), this.idleMs)
      this.idleTimer.unref()
    }
    fn(p)
  }
}

let shared: CompilerChild | undefined

/** compileTs, done by the process's one compiler child. */
export function compileOutside(script: string, cacheDir: string): Promise<string> {
  shared ??= new CompilerChild()
  return shared.compile(script, cacheDir)
}
