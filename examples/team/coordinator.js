// The coordinator of the team example: a `job` message names a folder; the
// coordinator lists its files, asks the `worker` pool to count the words of
// each (one request per task), and aggregates: words per file, the total, the
// top words, and which worker counted what. It prints progress and the result,
// and replies to the job's sender when it asked for a reply (`orch request`).
import { relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { connect } from 'orch/agent'
import { listFiles } from './words.js'

/** The repository's own sources, when a job names no folder. */
const DEFAULT_DIR = fileURLToPath(new URL('../../src', import.meta.url))
/** Generous: a task waits in the queue while the pool is busy, and this covers that wait too. */
const TASK_TIMEOUT_MS = Number(process.env.TASK_TIMEOUT_MS ?? 600_000)
const TASK_ATTEMPTS = 2
const TOP_WORDS = 10
const JOBS_REMEMBERED = 100

const agent = await connect()
/** job message id → its result: a job delivered again (at least once) is answered from here, not run again */
const jobs = new Map()

agent.onMessage('job', async (msg) => {
  if (!jobs.has(msg.id)) {
    jobs.set(msg.id, runJob(msg.id.slice(0, 8), jobSpec(msg.payload)))
    if (jobs.size > JOBS_REMEMBERED) jobs.delete(jobs.keys().next().value)
  }
  const result = await jobs.get(msg.id)
  // a plain `orch send` expects no answer; `orch request` and agent.request() do
  if (msg.replyTo) await agent.reply(msg, result)
})
await agent.ready()
console.log(`${agent.id} ready: orch request coordinator job '{"dir":"src"}'`)

/** `{dir?, ext?, filesPerTask?, taskMs?}`, or just a folder as a string. */
function jobSpec(payload) {
  const p = typeof payload === 'string' ? { dir: payload } : (payload ?? {})
  return { dir: resolve(p.dir ?? DEFAULT_DIR), ext: p.ext, filesPerTask: Math.max(1, Math.floor(Number(p.filesPerTask)) || 1), taskMs: p.taskMs }
}

async function runJob(job, { dir, ext, filesPerTask, taskMs }) {
  const t0 = Date.now()
  try {
    const files = await listFiles(dir, ext)
    const tasks = []
    for (let i = 0; i < files.length; i += filesPerTask) {
      tasks.push({ task: `${job}.${tasks.length + 1}`, files: files.slice(i, i + filesPerTask), ...(taskMs === undefined ? {} : { taskMs }) })
    }
    console.log(`JOB ${job} started: ${dir}, ${files.length} files in ${tasks.length} tasks`)
    // task id → the answer counted. A task can be answered twice (a retry after a timeout
    // racing a slow first answer): the first answer counts, the other is ignored.
    const answers = new Map()
    await Promise.all(
      tasks.map(async (t) => {
        const a = await requestTask(job, t)
        if (answers.has(a.task)) return
        answers.set(a.task, a)
        const again = a.attempts > 0 ? `, delivered ${a.attempts + 1} times` : ''
        console.log(`${job} ${answers.size}/${tasks.length} tasks done (${a.task} by ${a.worker}${again})`)
      }),
    )
    const result = aggregate(job, dir, files.length, [...answers.values()], Date.now() - t0)
    console.log(
      `JOB DONE ${job}: ${result.files} files, ${result.words.toLocaleString('en-US')} words (${result.distinctWords} distinct) ` +
        `in ${result.tasks} tasks${result.redelivered > 0 ? ` (${result.redelivered} redelivered)` : ''}, ${(result.ms / 1000).toFixed(1)} s; by worker: ` +
        `${Object.entries(result.byWorker).map(([w, n]) => `${w} ${n}`).join(', ')}; ` +
        `top: ${result.top.map((t) => `${t.word} ${t.count}`).join(', ')}`,
    )
    return result
  } catch (err) {
    console.log(`JOB FAILED ${job}: ${err.message}`)
    return { job, dir, ok: false, error: err.message }
  }
}

async function requestTask(job, t) {
  for (let attempt = 1; ; attempt++) {
    try {
      const reply = await agent.request('worker', 'count', t, { timeout: TASK_TIMEOUT_MS })
      return reply.payload
    } catch (err) {
      if (err.code !== 'E_TIMEOUT' || attempt === TASK_ATTEMPTS) throw err
      agent.log.warn('task unanswered; sending it again', { job, task: t.task, attempt })
    }
  }
}

function aggregate(job, dir, fileCount, answers, ms) {
  const perFile = {}
  const errors = {}
  const words = new Map()
  const byWorker = {}
  let redelivered = 0
  for (const a of answers.sort((x, y) => Number(x.task.split('.')[1]) - Number(y.task.split('.')[1]))) {
    for (const [file, n] of a.perFile) perFile[relative(dir, file)] = n
    for (const [file, message] of a.errors) errors[relative(dir, file)] = message
    for (const [w, c] of a.words) words.set(w, (words.get(w) ?? 0) + c)
    byWorker[a.worker] = (byWorker[a.worker] ?? 0) + 1
    if (a.attempts > 0) redelivered++
  }
  const top = [...words].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).slice(0, TOP_WORDS)
  return {
    job, ok: true, dir, files: fileCount, tasks: answers.length,
    words: Object.values(perFile).reduce((s, n) => s + n, 0), distinctWords: words.size,
    top: top.map(([word, count]) => ({ word, count })),
    byWorker: Object.fromEntries(Object.entries(byWorker).sort()),
    // tasks whose counted answer came from a later delivery (a worker died or disconnected mid-task)
    redelivered,
    perFile, errors, ms,
  }
}
