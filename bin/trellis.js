#!/usr/bin/env node
// The `trellis` command: runs src/cli.ts through tsx, so no build step is needed (see docs/adr/0003).
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { register } from 'tsx/esm/api'

register()
const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'cli.ts')
const { runCliMain } = await import(pathToFileURL(cli).href)
await runCliMain()
