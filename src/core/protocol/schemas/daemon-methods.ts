import * as v from 'valibot'
import { bool, int, str } from '../../schema/fields.js'
import { ErrorCode } from '../error-codes.js'
import { method } from './method.js'
import { note, opt } from './notes.js'
import { MetricsSnapshotSchema } from './metrics.js'
import { AgentDescriptionSchema, AgentInfoSchema, DaemonStatusSchema } from './shapes.js'

const target = () => note(str({ nonEmpty: true }), '`all`, an agent name (all its instances) or an instance id')
const ids = (text: string) => note(v.array(v.string()), text)

/** The daemon and the agents it runs: what the CLI uses. */
export const DAEMON_METHODS = {
  'daemon.status': method({ doc: 'How the daemon is.', params: v.object({}), result: DaemonStatusSchema }),
  'daemon.metrics': method({
    doc: 'Counters, histograms and gauges of the daemon, its agents and its queue: what `/metrics` serves, as JSON (`orch monit` polls it).',
    params: v.object({}),
    result: MetricsSnapshotSchema,
  }),
  'dashboard.open': method({
    doc:
      'Serves the web dashboard (started at the first call; its code is loaded then only) and gives a fresh access token: the one before stops working, open pages included. ' +
      'Without `port` and `host`, where it is served now, else where it was last served (data/dashboard-settings.json), else 127.0.0.1:9465.',
    params: v.object({
      port: opt(int({ min: 0, max: 65535 }), '0 picks a free port'),
      host: opt(str({ nonEmpty: true }), 'an address of this machine; anything but loopback is reachable by others and is logged as a warning'),
    }),
    result: v.object({
      url: note(v.string(), 'the page, with the token (`?token=`): open it once, the page then keeps a cookie'),
      origin: note(v.string(), 'e.g. http://127.0.0.1:9465'),
      host: v.string(),
      port: v.number(),
      loopback: note(v.boolean(), 'false when others can reach it'),
    }),
    errors: [ErrorCode.DASHBOARD_UNAVAILABLE],
  }),
  'daemon.shutdown': method({
    doc: 'The daemon exits right after answering. Agents keep running unless `stopAgents`.',
    params: v.object({ stopAgents: opt(bool()), reason: opt(str(), "written to daemon.log") }),
    result: v.object({ stopped: ids('the instances stopped') }),
  }),
  'agents.start': method({
    doc:
      "With `configPath` (resolved against `cwd`, default the daemon's) or none of `configPath`, `definition` and `target` (ecosystem.config.* searched from `cwd` up), " +
      'applies a config: evaluates it in a short-lived child process with `env` and `cwd`, validates all of it, then starts what is not running. ' +
      'With `definition`, the same for one agent given as a config entry (`orch start app.js`). With `target` alone, starts known agents again.',
    params: v.object({
      configPath: opt(str({ nonEmpty: true })),
      definition: opt(v.looseObject({}), 'one agent definition, as an entry of `agents`; relative paths against `cwd`'),
      cwd: opt(str({ nonEmpty: true })),
      env: opt(v.record(v.string(), v.string()), "the caller's environment: what the config sees as process.env and `${VAR}`, and what new agents start with (default: the daemon's)"),
      updateEnv: opt(bool(), 'existing instances take `env` too, and the running ones whose definition or environment changed are restarted'),
      only: opt(str({ nonEmpty: true }), 'start just this agent of the config'),
      target: opt(target()),
    }),
    result: v.object({
      started: ids('instances started'),
      unchanged: ids('instances already running as defined'),
      changed: ids('running instances whose definition or environment changed: `orch restart` (or `updateEnv`) applies it'),
      restarted: ids('running instances restarted to apply a change (`updateEnv`)'),
      removed: ids('instances stopped and forgotten because `instances` went down'),
      agents: v.array(AgentInfoSchema),
    }),
    errors: [ErrorCode.CONFIG_NOT_FOUND, ErrorCode.CONFIG_INVALID, ErrorCode.PLUGIN, ErrorCode.UNKNOWN_AGENT],
  }),
  'agents.list': method({ doc: 'Every instance, sorted by name and instance.', params: v.object({}), result: v.array(AgentInfoSchema) }),
  'agents.stop': method({ doc: 'Stops the target.', params: v.object({ target: target() }), result: v.array(AgentInfoSchema), errors: [ErrorCode.UNKNOWN_AGENT] }),
  'agents.restart': method({
    doc: 'Restarts the target. With `env`, its instances start with that environment from now on (`--update-env`).',
    params: v.object({ target: target(), env: opt(v.record(v.string(), v.string()), "the caller's environment, replacing the one the target started with") }),
    result: v.array(AgentInfoSchema),
    errors: [ErrorCode.UNKNOWN_AGENT],
  }),
  'agents.scale': method({
    doc: 'Sets how many instances an agent runs: new ones are started (when the agent is wanted running), extra ones stopped and forgotten, highest index first.',
    params: v.object({
      name: note(str({ nonEmpty: true }), 'an agent name'),
      instances: opt(int({ min: 1, max: 256 }), 'the new count'),
      delta: opt(int({ min: -255, max: 255 }), 'or a change of the count, e.g. 2 or -1'),
    }),
    result: v.object({ started: ids('instances started'), removed: ids('instances stopped and forgotten'), agents: v.array(AgentInfoSchema) }),
    errors: [ErrorCode.UNKNOWN_AGENT, ErrorCode.BAD_PARAMS],
  }),
  'agents.env': method({
    doc: "The environment of each instance of a name (or of one instance): read from the running process when there is one, else the one its next start gets. orch's token is masked.",
    params: v.object({ name: note(str({ nonEmpty: true }), 'an agent name or an instance id') }),
    result: v.array(
      v.object({
        id: v.string(),
        pid: v.nullable(v.number()),
        source: note(v.picklist(['process', 'definition']), "'process': read from the running process; 'definition': what its next start gets"),
        pending: note(v.boolean(), 'the running process has an older definition or environment than its next start would'),
        env: v.record(v.string(), v.string()),
      }),
    ),
    errors: [ErrorCode.UNKNOWN_AGENT],
  }),
  'agents.reload': method({
    doc: 'A rolling restart of the target, instance by instance: a new process starts next to the old one, which is stopped once the new one is online. Answers when every instance is done; fails at the first new process that does not come online (its old process keeps running, the rest are not reloaded).',
    params: v.object({ target: target(), env: opt(v.record(v.string(), v.string()), "the caller's environment, replacing the one the target started with") }),
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
