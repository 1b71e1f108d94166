// One agent of the ping-pong team: prints a line every two seconds.
// (Messaging between agent_1 and agent_2 arrives with the queue; see docs/protocol.md.)
const name = process.env.ORCH_AGENT_NAME ?? 'agent'
const peer = process.env.PEER ?? 'nobody'
let n = 0

const timer = setInterval(() => {
  n += 1
  console.log(`${name} tick ${n} (peer: ${peer})`)
}, 2_000)

process.on('SIGTERM', () => {
  clearInterval(timer)
  console.log(`${name} stopping after ${n} ticks`)
  process.exit(0)
})
