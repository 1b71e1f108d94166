// One agent of the ping-pong team (ecosystem.config.ts runs it as agent_1 and agent_2).
// Every two seconds it asks its PEER for a pong; it answers every ping request it gets.
import { connect, type AgentMessage } from 'orch/agent'

const agent = await connect()
const peer = process.env.PEER ?? 'agent_2'
const text = (payload: unknown): string => (typeof payload === 'string' ? payload : JSON.stringify(payload))

agent.onMessage('ping', async (msg: AgentMessage) => {
  console.log(`${agent.id} received from ${msg.from}: ${text(msg.payload)}`)
  // A request carries replyTo; a plain send (e.g. `orch send agent_1 ping hi`) expects no answer.
  if (msg.replyTo) await agent.reply(msg, `pong to ${text(msg.payload)}`)
})
await agent.ready()

let n = 0
setInterval(() => {
  n += 1
  agent
    .request(peer, 'ping', `ping ${n}`, { timeout: 5_000 })
    .then((pong) => console.log(`${agent.id} got back: ${text(pong.payload)}`))
    .catch((err: Error) => agent.log.warn('no pong', { peer, error: err.message }))
}, 2_000)
