#!/usr/bin/env node
// The CLI runs from one bundle (scripts/bundle.mjs) for start-up speed.
import { main } from '../dist/cli/entry.js'

await main(import.meta.url)
