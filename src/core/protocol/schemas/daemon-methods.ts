import * as v from 'valibot'
import { bool, str } from '../../schema/fields.js'
import { ErrorCode } from '../error-codes.js'
import { method } from './method.js'
import { note, opt } from './notes.js'
import { AgentDescriptionSchema, AgentInfoSchema, DaemonStatusSchema } from './shapes.js'

const target = () => note(str({ nonEmpty: true }), '`all`, an agent name (all its instances) or an instance id')
const ids = (text: string) => note(v.array(v.string()), text)

/** The daemon and the agents it runs: what the CLI uses. */
export const DAEMON_METHODS = {
  'daemon.status': method({ doc: 'How the daemon is.', params: v.object({}), result: DaemonStatusSchema }),
  'daemon.shutdown': method({
    doc: 'The daemon exits right after answering. Agents keep running unless `stopAgents`.',
    params: v.object({ stopAgents: opt(bool()), reason: opt(str(), "written to daemon.log") }),
    result: v.object({ stopped: ids('the instances stopped') }),
  }),
  'agents.start': method({
    doc: "With `configPath` (resolved against `cwd`, default the daemon's), applies a config: validates all of it, then starts what is not running. With `target` and no `configPath`, starts known agents again.",
    params: v.object({
      configPath: opt(str({ nonEmpty: true })),
      cwd: opt(str({ nonEmpty: true })),
      only: opt(str({ nonEmpty: true }), 'start just this agent of the config'),
      target: opt(target()),
    }),
    result: v.object({ started: ids('instances started'), unchanged: ids('instances already running as defined'), agents: v.array(AgentInfoSchema) }),
    errors: [ErrorCode.CONFIG_NOT_FOUND, ErrorCode.CONFIG_INVALID, ErrorCode.PLUGIN, ErrorCode.UNKNOWN_AGENT],
  }),
  'agents.list': method({ doc: 'Every instance, sorted by name and instance.', params: v.object({}), result: v.array(AgentInfoSchema) }),
  'agents.stop': method({ doc: 'Stops the target.', params: v.object({ target: target() }), result: v.array(AgentInfoSchema), errors: [ErrorCode.UNKNOWN_AGENT] }),
  'agents.restart': method({ doc: 'Restarts the target.', params: v.object({ target: target() }), result: v.array(AgentInfoSchema), errors: [ErrorCode.UNKNOWN_AGENT] }),
  'agents.reload': method({
    doc: 'A rolling restart of the target, instance by instance: a new process starts next to the old one, which is stopped once the new one is online. Answers when every instance is done; fails at the first new process that does not come online (its old process keeps running, the rest are not reloaded).',
    params: v.object({ target: target() }),
    result: v.array(AgentInfoSchema),
    errors: [ErrorCode.UNKNOWN_AGENT, ErrorCode.RELOAD_FAILED],
  }),
  'agents.delete': method({
    doc: 'Stops the target and forgets it.',
    params: v.object({ target: target() }),
    result: v.object({ deleted: ids('the instances deleted') }),
    errors: [ErrorCode.UNKNOWN_AGENT],
  }),
  'agents.describe': method({
    doc: 'A name or an instance id: one description (the first instance when a name has several). `all`: every instance, `[]` when none is defined.',
    params: v.object({ name: note(str({ nonEmpty: true }), '`all`, an agent name or an instance id') }),
    result: v.union([AgentDescriptionSchema, v.array(AgentDescriptionSchema)]),
    errors: [ErrorCode.UNKNOWN_AGENT],
  }),
  'agents.resurrect': method({
    doc: 'Starts again the agents the daemon recorded as wanted running, as they were started (e.g. after a reboot).',
    params: v.object({}),
    result: v.object({ started: ids('the instances started') }),
    errors: [ErrorCode.FILE_FORMAT],
  }),
} as const
