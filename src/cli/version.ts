import { readFileSync } from 'node:fs'

/** `orch -v --json` (in any order): oclif prints its version line for `-v`/`--version` alone, and knows no `--json` there. */
export function isJsonVersionRequest(argv: readonly string[]): boolean {
  return argv.includes('--json') && argv.some((a) => a === '-v' || a === '--version') && argv.every((a) => ['-v', '--version', '--json'].includes(a))
}

/** `{version}` from the package.json of the installed orch (`root` is its folder, as a URL or path). */
export function versionJson(packageJson: URL): string {
  const { version } = JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }
  return `${JSON.stringify({ version }, null, 2)}\n`
}
