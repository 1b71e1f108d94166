// A worker of the team example (4 instances, one task at a time each): counts the
// words of the files in a `count` task, then takes TASK_MS more (or the job's
// `taskMs`), a stand-in for the slow part of real agent work such as an LLM call,
// reporting progress that `orch queue ls` shows. The reply goes to the coordinator.
import { readFile } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { connect } from 'orch/agent'
import { countWords } from './words.js'

const TASK_MS = Number(process.env.TASK_MS ?? 500)
const PROGRESS_STEPS = 4

const agent = await connect()

/** Best effort: progress is for people watching (`orch queue ls`); failing to record it must not fail the task. */
const progress = (msg, value) => agent.progress(value, msg).catch((err) => agent.log.debug('progress not recorded', { error: err.message }))

agent.onMessage('count', async (msg) => {
  const { task, files, taskMs = TASK_MS } = msg.payload
  const again = msg.attempts > 0 ? ` (delivered again, attempt ${msg.attempts + 1})` : ''
  console.log(`${agent.id} task ${task}: ${files.length} file(s)${again}`)
  // [key, value] pairs, not objects: a word may well be `constructor` or `__proto__`
  const perFile = []
  const words = new Map()
  const errors = []
  for (const file of files) {
    try {
      let n = 0
      for (const [w, c] of countWords(await readFile(file, 'utf8'))) {
        n += c
        words.set(w, (words.get(w) ?? 0) + c)
      }
      perFile.push([file, n])
    } catch (err) {
      errors.push([file, err.message])
    }
  }
  for (let step = 0; step < PROGRESS_STEPS; step++) {
    progress(msg, { task, step, of: PROGRESS_STEPS })
    await sleep(taskMs / PROGRESS_STEPS)
  }
  console.log(`${agent.id} task ${task} done`)
  await agent.reply(msg, { task, worker: agent.id, attempts: msg.attempts, perFile, words: [...words], errors })
})
await agent.ready()
console.log(`${agent.id} ready (TASK_MS ${TASK_MS})`)
