import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import nodePlugin from '../../../plugins/node/index.js'
import processPlugin from '../../../plugins/process/index.js'
import * as D from '../../../src/core/config/defaults.js'
import { validateConfig } from '../../../src/core/config/validate.js'
import { ConfigError } from '../../../src/core/errors/config-error.js'
import { PluginRegistry } from '../../../src/core/plugins/registry.js'
import { defineAgentType, definePlugin, duration, int, str, v, type AgentType } from '../../../src/index.js'

const configDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../fixtures/configs')
const file = join(configDir, 'ecosystem.config.ts')
const script = './agent.js'

let registry: PluginRegistry
beforeAll(() => {
  registry = new PluginRegistry()
  registry.add(nodePlugin)
  registry.add(processPlugin)
})

function validate(raw: unknown) {
  return validateConfig(raw, file, configDir, registry)
}

function agents(...defs: unknown[]) {
  return validate({ agents: defs })
}

/** Expects a ConfigError and returns it; its message must name the file. */
function configError(raw: unknown): ConfigError & { data: { file: string; errors: string[] } } {
  let caught: unknown
  try {
    validate(raw)
  } catch (err) {
    caught = err
  }
  expect(caught, 'validateConfig should have thrown').toBeInstanceOf(ConfigError)
  const err = caught as ConfigError & { data: { file: string; errors: string[] } }
  expect(err.code).toBe('E_CONFIG_INVALID')
  expect(err.message).toContain(file)
  expect(err.data.file).toBe(file)
  expect(err.data.errors.length).toBeGreaterThan(0)
  return err
}

/** The one problem reported for a single bad agent. */
function onlyProblem(def: Record<string, unknown>): string {
  const err = configError({ agents: [def] })
  expect(err.data.errors, err.message).toHaveLength(1)
  expect(err.message).toContain(err.data.errors[0])
  return err.data.errors[0]!
}

describe('validateConfig: the config as a whole', () => {
  it.each([[null], [[]], ['agents'], [42], [undefined]])('rejects a top level that is not an object: %j', (raw) => {
    const err = configError(raw)
    expect(err.message).toMatch(/must export a config object/)
    expect(err.message).toContain('defineConfig({ agents: [...] })')
  })

  it('quotes what it got instead of an object', () => {
    expect(configError([1, 2]).message).toContain('got [1,2]')
    expect(configError(undefined).message).toContain('got nothing')
  })

  it('requires agents', () => {
    expect(configError({}).data.errors).toEqual(["field 'agents' is required: an array of agent definitions"])
  })

  it('takes a $schema (the JSON Schema a .json or .yaml config names for editor completion), which must be a string', () => {
    expect(validate({ $schema: './node_modules/orch/schema.json', agents: [] }).agents).toEqual([])
    expect(configError({ $schema: 1, agents: [] }).data.errors).toEqual(["field '$schema' must be a string, got 1"])
  })

  it.each([[{ name: 'a', script }], ['a'], [3], [null]])('rejects agents that is not an array: %j', (value) => {
    const err = configError({ agents: value })
    expect(err.message).toContain("field 'agents' must be an array of agent definitions")
  })

  it('rejects an unknown top-level field, listing the allowed ones', () => {
    const err = configError({ agents: [], agent: [] })
    expect(err.message).toContain("unknown top-level field 'agent'")
    expect(err.message).toContain('allowed: plugins, agents, monitorInterval, queue, otlp, metrics, dashboard, history, $schema')
  })

  it('checks plugins and monitorInterval', () => {
    const err = configError({ agents: [], plugins: './p', monitorInterval: 'often' })
    expect(err.message).toContain(`field 'plugins' must be an array of strings, got "./p"`)
    expect(err.message).toContain(`field 'monitorInterval' must be a duration`)
    expect(err.message).toContain('"often"')
  })

  it('rejects an agent that is not an object', () => {
    const err = configError({ agents: ['worker'] })
    expect(err.message).toContain(`agents[0]: must be an object such as { name: 'worker', script: './worker.js' }, got "worker"`)
  })

  it('takes history (unset fields: the defaults), refuses bad values and unknown history fields; no history: none', () => {
    expect(validate({ agents: [] }).history).toBeUndefined()
    expect(validate({ history: { maxEvents: 500 }, agents: [] }).history).toEqual({ enabled: true, maxEvents: 500, maxAgeMs: 7 * 24 * 3_600_000 })
    expect(validate({ history: { enabled: false, maxAge: '2h' }, agents: [] }).history).toEqual({ enabled: false, maxEvents: 100_000, maxAgeMs: 2 * 3_600_000 })
    expect(() => validate({ history: { maxEvents: 0 }, agents: [] })).toThrow(/field 'history.maxEvents' must be/)
    expect(() => validate({ history: { maxAge: 'forever' }, agents: [] })).toThrow(/field 'history.maxAge'/)
    expect(() => validate({ history: { maxEvent: 5 }, agents: [] })).toThrow(/unknown field 'history.maxEvent' \(did you mean 'maxEvents'\?\); allowed: enabled, maxEvents, maxAge/)
  })

  it("takes queue.durability 'buffered' or 'fsync', and refuses other values and unknown queue fields", () => {
    expect(validate({ queue: { durability: 'fsync' }, agents: [] }).queue).toEqual({ durability: 'fsync' })
    expect(() => validate({ queue: { durability: 'always' }, agents: [] })).toThrow(/field 'queue.durability' must be one of "buffered", "fsync", got "always"/)
    expect(() => validate({ queue: { fsync: true }, agents: [] })).toThrow(/unknown field 'queue.fsync'; allowed: durability/)
    expect(() => validate({ queue: 'fsync', agents: [] })).toThrow(/field 'queue' must be an object with durability, got "fsync"/)
  })

  it('accepts an empty list of agents', () => {
    expect(validate({ agents: [] })).toEqual({ file, plugins: [], monitorIntervalMs: D.DEFAULT_MONITOR_INTERVAL_MS, queue: {}, agents: [] })
  })
})

describe('validateConfig: names', () => {
  it('requires a name, saying what a name is', () => {
    const line = onlyProblem({ script })
    expect(line).toBe("agents[0]: field 'name' is required: a name of 1 to 64 letters, digits, '_' or '-'")
  })

  it('reads a name set to undefined as a missing name', () => {
    expect(onlyProblem({ name: undefined, script })).toBe("agents[0]: field 'name' is required: a name of 1 to 64 letters, digits, '_' or '-'")
  })

  it.each([['bad name'], ['a/b'], ['ü'], [''], ['x'.repeat(65)], ['a.b']])('rejects the name %j, quoting it', (name) => {
    const line = onlyProblem({ name, script })
    expect(line).toContain(`agents[0] (agent '${name}'): field 'name' must be a name of 1 to 64 letters, digits, '_' or '-'`)
    expect(line).toContain(`got ${JSON.stringify(name).slice(0, 20)}`)
  })

  it('rejects a name that is not a string', () => {
    expect(onlyProblem({ name: 7, script })).toBe("agents[0]: field 'name' must be a name of 1 to 64 letters, digits, '_' or '-', got 7")
  })

  it.each([['a'], ['agent_1'], ['Worker-2'], ['x'.repeat(64)]])('accepts the name %j', (name) => {
    expect(agents({ name, script }).agents[0]!.name).toBe(name)
  })

  it('rejects duplicate names, naming both entries', () => {
    const err = configError({ agents: [{ name: 'a', script }, { name: 'b', script }, { name: 'a', command: 'true' }] })
    expect(err.data.errors).toEqual([`agents[2] (agent 'a'): duplicate name 'a' (also agents[0]); names must be unique`])
  })
})

describe('validateConfig: types and what to run', () => {
  it('rejects an unknown type, listing the known types', () => {
    const line = onlyProblem({ name: 'py', type: 'python', script })
    expect(line).toBe(
      `agents[0] (agent 'py'): field 'type' names an unknown agent type "python"; known types: node, process (a plugin listed in 'plugins' can add more)`,
    )
  })

  it('requires a script or a command', () => {
    const line = onlyProblem({ name: 'a' })
    expect(line).toContain("agents[0] (agent 'a'): field 'script' is required")
    expect(line).toContain("or 'command'")
  })

  it('requires a script for type node', () => {
    expect(onlyProblem({ name: 'a', type: 'node' })).toBe("agents[0] (agent 'a'): field 'script' is required: the path of a .js or .ts script")
  })

  it('requires a command for type process', () => {
    expect(onlyProblem({ name: 'a', type: 'process', args: ['x'] })).toBe(
      "agents[0] (agent 'a'): field 'command' is required: the program to run, e.g. 'python3'",
    )
  })

  it('rejects a script file that does not exist, with the path it looked at', () => {
    const line = onlyProblem({ name: 'a', script: './missing.js' })
    expect(line).toBe(`agents[0] (agent 'a'): field 'script' must be an existing file (${join(configDir, 'missing.js')} does not exist), got "./missing.js"`)
  })

  it('looks for the script relative to the agent cwd', () => {
    expect(agents({ name: 'a', cwd: 'sub', script: './worker.js' }).agents[0]!.cwd).toBe(join(configDir, 'sub'))
    const line = onlyProblem({ name: 'a', cwd: 'sub', script })
    expect(line).toContain(join(configDir, 'sub', 'agent.js'))
  })

  it('accepts an absolute script path', () => {
    expect(agents({ name: 'a', script: join(configDir, 'agent.js') }).agents).toHaveLength(1)
  })
})

describe('validateConfig: field values', () => {
  it.each<[string, Record<string, unknown>, string, string]>([
    ['instances', { instances: 'four' }, 'a whole number from 1 to 256', '"four"'],
    ['instances', { instances: 0 }, 'a whole number from 1 to 256', '0'],
    ['instances', { instances: 257 }, 'a whole number from 1 to 256', '257'],
    ['instances', { instances: 1.5 }, 'a whole number from 1 to 256', '1.5'],
    ['maxRestarts', { maxRestarts: -1 }, 'a whole number >= 0', '-1'],
    ['maxRestarts', { maxRestarts: '3' }, 'a whole number >= 0', '"3"'],
    ['restartWindow', { restartWindow: 'soon' }, "a duration such as '500ms', '5s', '2m' or a number of milliseconds", '"soon"'],
    ['killTimeout', { killTimeout: -5 }, "a duration such as '500ms', '5s', '2m' or a number of milliseconds", '-5'],
    ['startGrace', { startGrace: '1 second' }, 'a duration', '"1 second"'],
    ['readyTimeout', { readyTimeout: true }, 'a duration', 'true'],
    ['maxMemory', { maxMemory: 'lots' }, "a size such as '300M', '1G', '512K' or a number of bytes", '"lots"'],
    ['autorestart', { autorestart: 'sometimes' }, 'one of true, false, "on-failure"', '"sometimes"'],
    // an entry of env or args that is wrong is named by its place: the rest of the object is fine
    ['env.A', { env: { A: { nested: 1 } } }, 'a string (or a number or boolean)', '{"nested":1}'],
    ['env', { env: 'A=1' }, 'an object of string values', '"A=1"'],
    ['args', { args: '--port 80' }, 'an array of strings', '"--port 80"'],
    ['args[1]', { args: ['--port', 80] }, 'a string', '80'],
    ['cwd', { cwd: '' }, 'a non-empty string', '""'],
    ['killSignal', { killSignal: 'TERM' }, "a signal name such as 'SIGTERM' or 'SIGINT'", '"TERM"'],
    ['watch', { watch: './src' }, 'true, false or an array of paths', '"./src"'],
    ['watch', { watch: 'yes' }, 'true, false or an array of paths', '"yes"'],
    ['watch', { watch: ['./src', 3] }, 'true, false or an array of paths', '["./src",3]'],
    ['ignoreWatch', { ignoreWatch: 3 }, "an array of non-empty paths or globs such as '*.log'", '3'],
    ['ignoreWatch', { ignoreWatch: '*.log' }, "an array of non-empty paths or globs such as '*.log'", '"*.log"'],
    // an empty pattern would be cwd itself: nothing watched
    ['ignoreWatch[0]', { ignoreWatch: [''] }, 'a non-empty string', '""'],
    ['dependsOn', { dependsOn: 'db' }, 'an array of strings', '"db"'],
    ['backoff', { backoff: 100 }, 'an object with initial, max, factor', '100'],
    ['backoff.initial', { backoff: { initial: 'quick' } }, 'a duration', '"quick"'],
    ['backoff.factor', { backoff: { factor: 0.5 } }, 'a number >= 1', '0.5'],
    ['nodeArgs', { nodeArgs: '--inspect' }, 'an array of strings', '"--inspect"'],
  ])('rejects a bad %s (%j), saying what is allowed and quoting the value', (field, fields, allowed, quoted) => {
    const line = onlyProblem({ name: 'w', script, ...fields })
    expect(line).toContain(`agents[0] (agent 'w'): field '${field}' must be ${allowed}`)
    expect(line.endsWith(`got ${quoted}`)).toBe(true)
  })

  it('reports a typo such as scirpt as an unknown field, listing the allowed fields', () => {
    const line = onlyProblem({ name: 'w', script, scirpt: './agent.js' })
    expect(line).toContain("agents[0] (agent 'w'): unknown field 'scirpt' for type 'node' (did you mean 'script'?); allowed: ")
    expect(line).toMatch(/allowed: .*\bscript\b/)
    expect(line).toMatch(/allowed: .*\bnodeArgs\b/)
  })

  it("says what pm2's field names are called in orch, and suggests the field a snake_case name means", () => {
    const err = configError({ apps: [], agents: [{ name: 'w', script, max_memory_restart: '300M', exec_mode: 'cluster', min_uptime: 1000, max_restarts: 5 }] })
    expect(err.message).toContain("unknown top-level field 'apps' (pm2's 'apps' is orch's 'agents')")
    expect(err.message).toContain("unknown field 'max_memory_restart' for type 'node' (pm2's name; orch calls it 'maxMemory')")
    expect(err.message).toContain("unknown field 'exec_mode' for type 'node' (orch has no cluster mode")
    expect(err.message).toContain("unknown field 'min_uptime' for type 'node' (pm2's name; orch counts an agent online after 'startGrace'")
    expect(err.message).toContain("unknown field 'max_restarts' for type 'node' (pm2's name; orch calls it 'maxRestarts'")
    expect(configError({ agents: [{ name: 'w', script, start_grace: '1s' }] }).message).toContain("unknown field 'start_grace' for type 'node' (did you mean 'startGrace'?)")
    expect(configError({ agents: [{ name: 'w', script, frobnicate: 1 }] }).message).toMatch(/unknown field 'frobnicate' for type 'node'; allowed/)
  })

  it("says what pm2's watch fields are in orch", () => {
    const err = configError({ agents: [{ name: 'w', script, ignore_watch: ['logs'], watch_delay: 1000, watch_options: {} }] })
    expect(err.message).toContain("unknown field 'ignore_watch' for type 'node' (pm2's name; orch calls it 'ignoreWatch')")
    expect(err.message).toContain(`unknown field 'watch_delay' for type 'node' (orch restarts once changes have settled for ${D.WATCH_DEBOUNCE_MS} ms; it cannot be set)`)
    expect(err.message).toContain("unknown field 'watch_options' for type 'node' (orch has no chokidar options; 'ignoreWatch' lists what not to watch")
  })

  it('names the typo scirpt when it is the only script field, not just the missing script', () => {
    const err = configError({ agents: [{ name: 'w', scirpt: './agent.js' }] })
    expect(err.message).toContain("field 'script' is required")
    expect(err.message).toContain("unknown field 'scirpt'")
  })

  it("rejects another type's options: nodeArgs on a process agent", () => {
    const line = onlyProblem({ name: 'p', command: 'python3', nodeArgs: ['--inspect'] })
    expect(line).toContain("agents[0] (agent 'p'): unknown field 'nodeArgs' for type 'process'")
  })

  it('reports several problems, across agents, in one error', () => {
    const err = configError({
      agents: [
        { name: 'a', script, instances: 'four', maxRestarts: -1 },
        { script },
        { name: 'c', type: 'python' },
        { name: 'd', command: 'true', autorestart: 'sometimes', scirpt: 'x' },
      ],
      monitorInterval: 'often',
    })
    const expected = [
      "field 'monitorInterval'",
      "agents[0] (agent 'a'): field 'instances'",
      "agents[0] (agent 'a'): field 'maxRestarts'",
      "agents[1]: field 'name' is required",
      "agents[2] (agent 'c'): field 'type'",
      "agents[3] (agent 'd'): field 'autorestart'",
      "agents[3] (agent 'd'): unknown field 'scirpt'",
    ]
    expect(err.data.errors).toHaveLength(expected.length)
    for (const e of expected) expect(err.message).toContain(e)
    // One problem per line, so a person can read them.
    expect(err.message.split('\n  - ')).toHaveLength(expected.length + 1)
  })
})

describe('validateConfig: values of the right type that would misbehave', () => {
  it("refuses killSignal 'SIGTREM' (kill(2) knows no such signal), naming the field, quoting the value and suggesting SIGTERM", () => {
    const line = onlyProblem({ name: 'w', script, killSignal: 'SIGTREM' })
    expect(line).toContain("agents[0] (agent 'w'): field 'killSignal' must be a signal name")
    expect(line).toContain("did you mean 'SIGTERM'?")
    expect(line.endsWith('got "SIGTREM"')).toBe(true)
  })

  it.each([['SIGKIL', 'SIGKILL'], ['sigint', 'SIGINT'], ['HUP', 'SIGHUP'], ['SIGUSR3', 'SIGUSR1']])('suggests the closest real signal for %j: %s', (bad, near) => {
    expect(onlyProblem({ name: 'w', script, killSignal: bad })).toContain(`did you mean '${near}'?`)
  })

  it('does not guess when nothing is close', () => {
    expect(onlyProblem({ name: 'w', script, killSignal: 'SIGNOTHINGLIKEIT' })).not.toContain('did you mean')
  })

  it.each(['SIGTERM', 'SIGINT', 'SIGUSR2', 'SIGKILL', 'SIGHUP', 'SIGQUIT'])('accepts the real signal %s', (sig) => {
    expect(agents({ name: 'w', script, killSignal: sig }).agents[0]!.killSignal).toBe(sig)
  })

  const over = 2 ** 31
  it.each<[string, Record<string, unknown>]>([
    ['readyTimeout', { readyTimeout: '1000h' }],
    ['readyTimeout', { readyTimeout: over }],
    ['killTimeout', { killTimeout: '597h' }],
    ['startGrace', { startGrace: over }],
    ['restartWindow', { restartWindow: '1000h' }],
    ['backoff.initial', { backoff: { initial: '1000h' } }],
    ['backoff.max', { backoff: { max: over } }],
    ['leaseTimeout', { leaseTimeout: '1000h' }],
  ])('refuses %s beyond 2^31-1 ms (%j): a timer would fire after 1 ms', (field, fields) => {
    const line = onlyProblem({ name: 'w', script, ...fields })
    expect(line).toContain(`field '${field}' must be a duration`)
    expect(line).toContain('up to 2147483647 ms (24.8 days')
  })

  it('accepts the longest duration a timer can wait', () => {
    const a = agents({ name: 'w', script, readyTimeout: 2 ** 31 - 1, killTimeout: '596h' }).agents[0]!
    expect(a.readyTimeoutMs).toBe(2 ** 31 - 1)
    expect(a.killTimeoutMs).toBe(596 * 3_600_000)
  })

  it.each([0, '0', '99ms', '1000h'])('refuses monitorInterval %j: under the 100 ms floor or over the timer limit', (value) => {
    const err = configError({ agents: [], monitorInterval: value })
    expect(err.data.errors).toHaveLength(1)
    expect(err.data.errors[0]).toContain("field 'monitorInterval' must be a duration")
    expect(err.data.errors[0]).toContain(`from ${D.MIN_MONITOR_INTERVAL_MS}ms`)
  })

  it('accepts monitorInterval at the floor', () => {
    expect(validate({ agents: [], monitorInterval: '100ms' }).monitorIntervalMs).toBe(100)
  })

  it.each([0, '0', '100ms', 249])('refuses leaseTimeout %j: a lease under 250 ms runs out before the SDK can renew it', (value) => {
    const line = onlyProblem({ name: 'w', script, leaseTimeout: value })
    expect(line).toContain("field 'leaseTimeout' must be a duration")
    expect(line).toContain('from 250ms')
  })

  it('accepts leaseTimeout of 250 ms', () => {
    expect(agents({ name: 'w', script, leaseTimeout: '250ms' }).agents[0]!.leaseTimeoutMs).toBe(250)
  })
})

describe('validateConfig: dependsOn', () => {
  it('rejects a dependency on an unknown agent, listing the known ones', () => {
    const err = configError({ agents: [{ name: 'a', script }, { name: 'b', script, dependsOn: ['a', 'ghost'] }] })
    expect(err.data.errors).toHaveLength(1)
    expect(err.message).toContain(`field 'dependsOn' names unknown agent "ghost"; known agents: a, b`)
    expect(err.message).toContain("agents[1] (agent 'b')")
  })

  it('rejects a dependency on the agent itself', () => {
    const err = configError({ agents: [{ name: 'a', script }, { name: 'self', script, dependsOn: ['self'] }] })
    expect(err.data.errors).toHaveLength(1)
    expect(err.message).toContain("field 'dependsOn' names the agent itself")
    expect(err.message).toContain("agents[1] (agent 'self')")
  })

  it('rejects a cycle a -> b -> a, showing it', () => {
    const err = configError({ agents: [{ name: 'a', script, dependsOn: ['b'] }, { name: 'b', script, dependsOn: ['a'] }] })
    expect(err.data.errors).toEqual(["field 'dependsOn' forms a cycle: a -> b -> a"])
  })

  it('rejects a longer cycle', () => {
    const err = configError({
      agents: [
        { name: 'x', script },
        { name: 'a', script, dependsOn: ['x', 'b'] },
        { name: 'b', script, dependsOn: ['c'] },
        { name: 'c', command: 'true', dependsOn: ['a'] },
      ],
    })
    expect(err.message).toContain('forms a cycle: a -> b -> c -> a')
  })

  it('does not call a dependency on an agent with its own errors unknown', () => {
    const err = configError({ agents: [{ name: 'db', script, instances: 0 }, { name: 'api', script, dependsOn: ['db'] }] })
    expect(err.data.errors).toHaveLength(1)
    expect(err.message).toContain("agents[0] (agent 'db'): field 'instances'")
  })

  it('accepts dependencies in any order in the file', () => {
    const cfg = agents({ name: 'api', script, dependsOn: ['db'] }, { name: 'db', command: 'postgres' })
    expect(cfg.agents.map((a) => [a.name, a.dependsOn])).toEqual([
      ['api', ['db']],
      ['db', []],
    ])
  })
})

describe('validateConfig: a good config', () => {
  it('fills the defaults', () => {
    const def = { name: 'w', script }
    const cfg = validate({ agents: [def] })
    expect(cfg.file).toBe(file)
    expect(cfg.plugins).toEqual([])
    expect(cfg.monitorIntervalMs).toBe(1_000)
    expect(cfg.agents).toEqual([
      {
        name: 'w',
        type: 'node',
        cwd: configDir,
        env: {},
        args: [],
        instances: 1,
        autorestart: true,
        maxRestarts: 3,
        restartWindowMs: 60_000,
        backoff: { initialMs: 100, maxMs: 15_000, factor: 2 },
        startGraceMs: 1_000,
        readyTimeoutMs: null,
        killTimeoutMs: 5_000,
        logMaxBytes: 10 * 1024 * 1024,
        logRetain: 3,
        concurrency: 1,
        leaseTimeoutMs: 30_000,
        killSignal: 'SIGTERM',
        maxMemoryBytes: null,
        watch: [],
        ignoreWatch: [],
        dependsOn: [],
        raw: def,
        configDir,
      },
    ])
  })

  it('matches the named default constants', () => {
    const a = agents({ name: 'w', script }).agents[0]!
    expect(a.maxRestarts).toBe(D.DEFAULT_MAX_RESTARTS)
    expect(a.restartWindowMs).toBe(D.DEFAULT_RESTART_WINDOW_MS)
    expect(a.backoff).toEqual({ initialMs: D.DEFAULT_BACKOFF_INITIAL_MS, maxMs: D.DEFAULT_BACKOFF_MAX_MS, factor: D.DEFAULT_BACKOFF_FACTOR })
    expect(a.startGraceMs).toBe(D.DEFAULT_START_GRACE_MS)
    expect(a.killTimeoutMs).toBe(D.DEFAULT_KILL_TIMEOUT_MS)
    expect(a.killSignal).toBe(D.DEFAULT_KILL_SIGNAL)
  })

  it("infers type 'node' from script and 'process' from command", () => {
    const cfg = agents({ name: 'n', script }, { name: 'p', command: 'python3', args: ['agent.py'] })
    expect(cfg.agents.map((a) => [a.name, a.type])).toEqual([
      ['n', 'node'],
      ['p', 'process'],
    ])
    expect(cfg.agents[1]!.args).toEqual(['agent.py'])
  })

  it('keeps an explicit type', () => {
    expect(agents({ name: 'p', type: 'process', command: 'true' }).agents[0]!.type).toBe('process')
  })

  it('resolves cwd against the config directory, and watch paths against cwd', () => {
    const a = agents({ name: 'w', cwd: 'sub', script: 'worker.js', watch: ['./src', '/abs/lib'] }).agents[0]!
    expect(a.cwd).toBe(join(configDir, 'sub'))
    expect(a.watch).toEqual([join(configDir, 'sub', 'src'), '/abs/lib'])
    expect(a.configDir).toBe(configDir)
  })

  it('watch: true is the agent\'s folder, false or absent is nothing; ignoreWatch is kept as written', () => {
    const [a, b, c] = agents(
      { name: 'a', cwd: 'sub', script: 'worker.js', watch: true, ignoreWatch: ['*.log', 'tmp'] },
      { name: 'b', script, watch: false },
      { name: 'c', script },
    ).agents
    expect(a!.watch).toEqual([join(configDir, 'sub')])
    expect(a!.ignoreWatch).toEqual(['*.log', 'tmp'])
    expect(b!.watch).toEqual([])
    expect(c!.watch).toEqual([])
    expect(c!.ignoreWatch).toEqual([])
  })

  it('keeps an absolute cwd', () => {
    expect(agents({ name: 'p', command: 'true', cwd: '/tmp' }).agents[0]!.cwd).toBe('/tmp')
  })

  it('parses durations and sizes', () => {
    const a = agents({
      name: 'w',
      script,
      restartWindow: '2m',
      backoff: { initial: '250ms', max: '30s', factor: 3 },
      startGrace: '2s',
      readyTimeout: '10s',
      killTimeout: '5s',
      maxMemory: '300M',
    }).agents[0]!
    expect(a.restartWindowMs).toBe(120_000)
    expect(a.backoff).toEqual({ initialMs: 250, maxMs: 30_000, factor: 3 })
    expect(a.startGraceMs).toBe(2_000)
    expect(a.readyTimeoutMs).toBe(10_000)
    expect(a.killTimeoutMs).toBe(5_000)
    expect(a.maxMemoryBytes).toBe(300 * 1024 * 1024)
  })

  it('takes numbers as milliseconds and bytes', () => {
    const a = agents({ name: 'w', script, restartWindow: 30_000, killTimeout: 0, maxMemory: 1_000_000 }).agents[0]!
    expect(a.restartWindowMs).toBe(30_000)
    expect(a.killTimeoutMs).toBe(0)
    expect(a.maxMemoryBytes).toBe(1_000_000)
  })

  it('fills the backoff fields that are left out', () => {
    expect(agents({ name: 'w', script, backoff: { max: '1m' } }).agents[0]!.backoff).toEqual({ initialMs: 100, maxMs: 60_000, factor: 2 })
  })

  it('turns env values into strings', () => {
    expect(agents({ name: 'w', script, env: { PEER: 'b', PORT: 8080, DEBUG: false } }).agents[0]!.env).toEqual({ PEER: 'b', PORT: '8080', DEBUG: 'false' })
  })

  it('keeps the other options as given', () => {
    const a = agents({ name: 'w', script, instances: 4, autorestart: 'on-failure', maxRestarts: 0, killSignal: 'SIGINT', nodeArgs: ['--inspect'] })
      .agents[0]!
    expect(a).toMatchObject({ instances: 4, autorestart: 'on-failure', maxRestarts: 0, killSignal: 'SIGINT' })
    expect(a.raw.nodeArgs).toEqual(['--inspect'])
  })

  it('reads plugins and monitorInterval', () => {
    const cfg = validate({ plugins: ['./p'], monitorInterval: '5s', agents: [] })
    expect(cfg.plugins).toEqual(['./p'])
    expect(cfg.monitorIntervalMs).toBe(5_000)
  })

  it('does not change the raw config', () => {
    const raw = { agents: [{ name: 'w', script, env: { A: 1 }, backoff: { initial: '1s' } }] }
    const copy = structuredClone(raw)
    validate(raw)
    expect(raw).toEqual(copy)
  })
})

describe("validateConfig: a plugin type's options (Valibot schemas)", () => {
  const http = defineAgentType({
    name: 'http',
    description: 'a static file server',
    options: { root: str({ nonEmpty: true }), port: v.optional(int({ min: 1, max: 65535 })), idle: v.optional(duration()) },
    // typed by the options: root is a string (tsc refuses `args: [port]`, a number or undefined)
    toSpawnSpec: (a) => ({ command: 'serve', args: [a.raw.root] }),
  })
  const withHttp = () => {
    const r = new PluginRegistry()
    for (const p of [nodePlugin, processPlugin, definePlugin({ name: 'orch-http', agentTypes: [http] })]) r.add(p)
    return r
  }
  const check = (def: Record<string, unknown>) => validateConfig({ agents: [def] }, file, configDir, withHttp())

  it('takes good options and keeps them in raw', () => {
    const [web] = check({ name: 'web', type: 'http', root: '.', port: 8080, idle: '30s' }).agents
    expect(web!.raw).toMatchObject({ root: '.', port: 8080 })
    expect(http.toSpawnSpec(web as Parameters<typeof http.toSpawnSpec>[0])).toEqual({ command: 'serve', args: ['.'] })
  })

  it('reports a missing required option, a bad one and an unknown field, in the words of the common fields', () => {
    let err: ConfigError & { data: { errors: string[] } } | undefined
    try {
      check({ name: 'web', type: 'http', port: 0, idle: 'soon', prot: 80 })
    } catch (e) {
      err = e as typeof err
    }
    expect(err!.data.errors).toEqual([
      "agents[0] (agent 'web'): field 'root' is required: a non-empty string",
      "agents[0] (agent 'web'): field 'port' must be a whole number from 1 to 65535, got 0",
      expect.stringMatching(/^agents\[0\] \(agent 'web'\): field 'idle' must be a duration such as .*, got "soon"$/),
      expect.stringMatching(/^agents\[0\] \(agent 'web'\): unknown field 'prot' for type 'http' \(did you mean 'port'\?\); allowed: name, .*, leaseTimeout, root, port, idle$/),
    ])
  })

  it('refuses a plugin whose options are not Valibot schemas (the format before Valibot), naming the option', () => {
    const old = { ...http, options: { root: { kind: 'string', required: true } } } as unknown as AgentType
    expect(() => new PluginRegistry().add({ name: 'old', agentTypes: [old] })).toThrow(
      /option 'root' of agent type 'http' \(plugin 'old'\) is not a Valibot schema, got \{"kind":"string","required":true\}: write options with `v`/,
    )
  })
})
