/**
 * The compiler child (see compile-outside.ts): compiles TypeScript agents with
 * esbuild's API for the daemon, which then never loads that API (about 13 MiB
 * of its RSS). It takes any number of requests over IPC, concurrently, and
 * exits when the daemon disconnects (idle, shutdown, or the daemon's death).
 *
 *   node compile-main.js          (requests and answers: compile-request.ts)
 */
import { compileTs } from './compile-ts.js'
import type { CompileAnswer, CompileRequest } from './compile-request.js'

process.on('message', (req: CompileRequest) => {
  compileTs(req.script, req.cacheDir).then(
    (file): CompileAnswer => ({ id: req.id, ok: true, file }),
    (err: Error): CompileAnswer => ({ id: req.id, ok: false, message: err.message ?? String(err) }),
  ).then((answer) => process.send!(answer))
})
process.on('disconnect', () => process.exit(0))
