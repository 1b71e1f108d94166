import type { ErrorCodeValue } from './error-codes.js'

/** Where a code shows: in an error answer on the wire, only raised by the Node client (worth mirroring), or only by the CLI (`--json` errors; not in the protocol). */
export type ErrorCodeSide = 'wire' | 'client' | 'both' | 'cli'

/**
 * When each code of the table in ./error-codes.ts is raised: docs/protocol.md's
 * error table is generated from this (npm run docs:gen). A Record over every
 * code, so a new code does not compile until it is described here.
 */
export const ERROR_CODE_DOCS: Record<ErrorCodeValue, { side: ErrorCodeSide; when: string }> = {
  E_PROTOCOL: { side: 'wire', when: 'malformed JSON, not a request frame, request before `hello`, a second `hello` on a connection, an unfinished frame that stalled' },
  E_UNKNOWN_METHOD: { side: 'wire', when: 'no such method' },
  E_BAD_PARAMS: {
    side: 'wire',
    when: 'params not an object or not matching the schema (a wrong type, an integer out of its range or not a [safe integer](#param-values-null-and-integers), a required param missing or `null`); `queue.ack` with neither `id` nor `ids`',
  },
  E_FRAME_TOO_LARGE: { side: 'wire', when: "a frame over [the frame cap](#the-frame-cap) (`id: null`), or an answer that would be (the request's `id`, `data.succeeded: true`)" },
  E_BUSY: {
    side: 'both',
    when: 'the daemon has as many connections as it takes (256 by default, plus 16 kept for CLI clients); sent with `id: null` on a new connection, which is then closed, or as the answer to a `hello` as an agent on one of the 16. From the Node client: connect kept failing with `EAGAIN`',
  },
  E_VERSION_MISMATCH: { side: 'wire', when: '`hello` with another protocol version; `data: {daemon, client}`' },
  E_AGENT_REFUSED: { side: 'wire', when: '`hello` as an agent the daemon does not know, or without the right `ORCH_AGENT_TOKEN`; see [agent identity](#agent-identity)' },
  E_NOT_AN_AGENT: {
    side: 'wire',
    when: 'an agent-only method on a connection that did not hello as an agent with an id (for `queue.ack`, `nack`, `extend`, `progress`: and did not consume)',
  },
  E_INVALID_MESSAGE: {
    side: 'wire',
    when: '`queue.send` refused: hops over the limit, payload too big, a bad [topic name](#topic-names) in `to: "topic:…"`; `queue.subscribe` and `queue.unsubscribe` of a bad topic name (every bad topic name gets this code, the empty one included)',
  },
  E_UNKNOWN_RECIPIENT: {
    side: 'wire',
    when: '`queue.send` to a name that is no agent (nor a connected consumer), or `name:N` past the last instance; for a reply, the requester left ([a warning, not a failure](#replies-to-the-cli))',
  },
  E_NOT_LEASED: {
    side: 'wire',
    when: '`queue.ack`/`queue.nack`/`queue.extend`/`queue.progress` of a message not leased to your instance (already acked, lease expired, or delivered before a daemon restart)',
  },
  E_QUEUE_CLOSED: { side: 'wire', when: 'the daemon is shutting down' },
  E_NO_DEAD_LETTER: { side: 'wire', when: '`queue.replay` of an id, or id prefix, that no dead letter has' },
  E_AMBIGUOUS_ID: { side: 'wire', when: "`queue.replay` of a prefix that starts several dead letters' ids, or `history.trace` of a prefix that starts several messages' ids; the message lists the first five" },
  E_NOT_IN_HISTORY: {
    side: 'wire',
    when: '`history.trace` of an id that is neither a message id (or a prefix of one) nor a correlation id in the message history: never sent, or older than the history keeps (`history.maxEvents`, `history.maxAge`)',
  },
  E_DASHBOARD_UNAVAILABLE: { side: 'wire', when: '`dashboard.open`: its HTTP server cannot listen on the host and port asked (in use, or not an address of this machine); `data: {host, port}`' },
  E_STORE_FULL: {
    side: 'wire',
    when: 'the queue file could not take the write (`ENOSPC`, quota, a short write): "disk full: … not stored". For `queue.send`, that send (and every send of the same group commit) was **not** stored: send again once there is space. For `queue.ack`/`queue.nack`/`queue.replay`/`queue.purge`, the change is made in memory and written with the next write that fits (or the next compaction, at the latest a minute after space returns); a daemon restart before that delivers an acked message again (at least once, never lost). The daemon keeps serving',
  },
  E_UNKNOWN_AGENT: { side: 'wire', when: '`agents.*` target or `queue.purge` agent that does not exist' },
  E_CONFIG_NOT_FOUND: { side: 'wire', when: '`agents.start` with a missing config (nothing changes)' },
  E_CONFIG_INVALID: { side: 'wire', when: '`agents.start` with an invalid config: the message names the file, the agent and the field (nothing changes)' },
  E_PLUGIN: { side: 'wire', when: "`agents.start`: a plugin failed to load or to build an agent's command" },
  E_STOP_FAILED: { side: 'wire', when: 'defined for an agent whose processes survive stop; not sent by this version' },
  E_FILE_FORMAT: { side: 'wire', when: '`agents.resurrect` when the saved list of agents was unreadable (it was moved aside; the message says where); a file under ORCH_HOME of a format this orch cannot read' },
  E_INTERNAL: { side: 'wire', when: 'a bug; see `daemon.log`' },
  E_DAEMON_UNREACHABLE: { side: 'client', when: 'cannot connect, or the connection closed' },
  E_DAEMON_START_FAILED: { side: 'client', when: 'the daemon it started did not answer; the message has the tail of its log' },
  E_SOCKET_PATH_TOO_LONG: { side: 'client', when: "ORCH_HOME's socket path is over the platform's limit (about 104 bytes): set ORCH_HOME to a shorter path" },
  E_TIMEOUT: { side: 'client', when: 'a request (the SDK\'s `request`, `orch request`) got no reply in time' },
  E_HOME_NOT_OWNED: { side: 'client', when: 'ORCH_HOME, or a file in it, belongs to another user: the client will not talk to a socket there' },
  E_AGENT_CLOSED: { side: 'client', when: 'the agent SDK was closed: its pending calls and requests fail with it' },
  E_USAGE: { side: 'cli', when: 'a missing argument, an unknown flag, a flag value that does not parse (exit code 2)' },
  E_UNKNOWN_COMMAND: { side: 'cli', when: 'no such command; the message suggests the closest one (exit code 2)' },
  E_UNIT_CONFLICT: { side: 'cli', when: '`orch startup --install` would overwrite a different unit, or `orch unstartup` remove one orch did not write for this home (without `--force`)' },
  E_DAEMON_RUNNING: { side: 'cli', when: '`orch daemon run` while a daemon already runs for this ORCH_HOME (or is starting): it never starts a second one' },
  E_RELOAD_FAILED: {
    side: 'wire',
    when: "`agents.reload`: an instance's new process could not start, ended, or was not ready in time (or the instance was stopped meanwhile); it was stopped, the old process keeps running, and the instances after it were not reloaded. `data: {agent, reloaded, notReloaded}`",
  },
}
