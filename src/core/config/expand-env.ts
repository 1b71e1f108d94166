import { ConfigError } from '../errors/config-error.js'
import { isPlainObject } from '../schema/values.js'

/** `${NAME}`, `${NAME:-default}`, or `$${` (a literal `${`). */
const REFERENCE = /\$\$\{|\$\{([^}]*)\}/g
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

function expandString(text: string, env: Record<string, string | undefined>, where: string): string {
  return text.replace(REFERENCE, (match, inner: string | undefined) => {
    if (inner === undefined) return '${'
    const sep = inner.indexOf(':-')
    const name = sep === -1 ? inner : inner.slice(0, sep)
    if (!NAME.test(name)) {
      throw new ConfigError(`${where}: '${match}' is not a variable reference; write \${NAME} or \${NAME:-default} (NAME: letters, digits, _), or $\${ for a literal \${`)
    }
    const value = env[name]
    if (sep !== -1) return value === undefined || value === '' ? inner.slice(sep + 2) : value
    if (value === undefined) {
      throw new ConfigError(`${where} uses \${${name}}, but ${name} is not set in the environment of the orch command; set it, or write \${${name}:-default}`)
    }
    return value
  })
}

/**
 * Expands environment references in every string value of a JSON or YAML
 * config (keys are left as written), as docker compose does: `${NAME}` is the
 * variable (an error when unset: a missing API key should not start an agent
 * with a literal `${API_KEY}`), `${NAME:-default}` falls back when it is unset
 * or empty, `$${` is a literal `${`.
 */
export function expandEnv(value: unknown, env: Record<string, string | undefined>, where = 'config'): unknown {
  if (typeof value === 'string') return value.includes('${') ? expandString(value, env, where) : value
  if (Array.isArray(value)) return value.map((item, i) => expandEnv(item, env, `${where}[${i}]`))
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {}
    for (const [k, item] of Object.entries(value)) out[k] = expandEnv(item, env, where === 'config' ? k : `${where}.${k}`)
    return out
  }
  return value
}
