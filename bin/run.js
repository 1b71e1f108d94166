#!/usr/bin/env node
// The CLI runs from one bundle (scripts/bundle.mjs) for start-up speed.
import { execute } from '../dist/cli/entry.js'

await execute({ dir: import.meta.url })
