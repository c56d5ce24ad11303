import { spawn, type ChildProcess } from 'node:child_process'
import { openSync, closeSync, readFileSync } from 'node:fs'
import type { ListeningMessage, ProfileReply, ProfileRequest } from './child-signals.ts'

export interface ServerProcess {
  readonly pid: number
  readonly origin: string
  /** CPU seconds (user + system, all threads) the server has used so far, or undefined off Linux. */
  cpuSeconds(): number | undefined
  /** Starts the server's CPU profiler, or stops it and writes the profile; resolves when the server has. */
  profile(request: ProfileRequest): Promise<void>
  stop(): Promise<void>
}

export interface StartOptions {
  readonly script: string
  readonly args: readonly string[]
  readonly cwd: string
  /** Extra node flags, such as --cpu-prof. */
  readonly nodeFlags: readonly string[]
  /** The CPU to pin the server to with taskset, or undefined for no pinning. */
  readonly cpu: number | undefined
  /** Where the server's stdout (pino's JSON lines) goes: a file path, or /dev/null. */
  readonly stdoutPath: string
  readonly env: NodeJS.ProcessEnv
}

const clockTicksPerSecond = 100 // sysconf(_SC_CLK_TCK) on Linux on every common architecture

/**
 * Starts a bench server in its own process (pinned with taskset when a CPU is given), waits for it to report
 * its port over IPC, and returns a handle to measure and stop it.
 */
export async function startServer(options: StartOptions): Promise<ServerProcess> {
  const stdout = openSync(options.stdoutPath, 'a')
  const node = [process.execPath, '--import', 'tsx', ...options.nodeFlags, options.script, ...options.args]
  const [command, ...args] =
    options.cpu === undefined ? node : ['taskset', '-c', String(options.cpu), ...node]
  const child = spawn(command!, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', stdout, 'pipe', 'ipc'],
  })
  closeSync(stdout)
  let stderr = ''
  child.stderr?.setEncoding('utf8')
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-20_000)
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))

  const port = await new Promise<number>((resolve, reject) => {
    let settled = false
    const timer = setTimeout(() => fail(new Error('did not start within 120 s')), 120_000)
    function fail(error: Error) {
      if (settled) return
      settled = true
      clearTimeout(timer)
      child.kill('SIGKILL')
      reject(new Error(`${options.script}: ${error.message}\n${stderr}`))
    }
    child.on('message', (message: ListeningMessage) => {
      if (message.type !== 'listening' || settled) return
      settled = true
      clearTimeout(timer)
      resolve(message.port)
    })
    child.once('error', fail)
    void exited.then((code) => fail(new Error(`exited early (code ${code})`)))
  })

  return {
    pid: child.pid!,
    origin: `http://127.0.0.1:${port}`,
    cpuSeconds: () => readCpuSeconds(child.pid!),
    profile: (request) =>
      new Promise<void>((resolve) => {
        const expected = request.type === 'profile-start' ? 'profile-started' : 'profile-written'
        const listener = (message: ProfileReply) => {
          if (message.type !== expected) return
          child.off('message', listener)
          resolve()
        }
        child.on('message', listener)
        child.send(request)
      }),
    stop: () => stopChild(child, exited, () => stderr),
  }
}

async function stopChild(
  child: ChildProcess,
  exited: Promise<number | null>,
  stderr: () => string,
): Promise<void> {
  if (child.connected) child.send('stop')
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 30_000).unref())
  const outcome = await Promise.race([exited, timeout])
  if (outcome === 'timeout') {
    child.kill('SIGKILL')
    await exited
    throw new Error(`server ${child.pid} did not stop within 30 s; killed it\n${stderr()}`)
  }
  if (outcome !== 0) throw new Error(`server ${child.pid} exited with code ${outcome}\n${stderr()}`)
}

/** utime + stime of every thread of the process, from /proc/<pid>/stat (fields 14 and 15). */
function readCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) / clockTicksPerSecond
  } catch {
    return undefined
  }
}
