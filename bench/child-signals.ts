/**
 * What both bench servers share: telling the parent their port, profiling on request, and closing cleanly
 * when asked to.
 */
import { writeFile } from 'node:fs/promises'
import { Session } from 'node:inspector/promises'

export interface ListeningMessage {
  readonly type: 'listening'
  readonly port: number
}

/** Parent → child: start the CPU profiler now, or stop it and write the profile to `file`. */
export type ProfileRequest =
  { readonly type: 'profile-start' } | { readonly type: 'profile-stop'; readonly file: string }

/** Child → parent: the profiler started, or the profile is written. */
export interface ProfileReply {
  readonly type: 'profile-started' | 'profile-written'
}

export function announceListening(port: number): void {
  const message: ListeningMessage = { type: 'listening', port }
  process.send?.(message)
  process.stderr.write(`listening on http://127.0.0.1:${port}\n`)
}

/**
 * Runs `close` once on SIGTERM, SIGINT or a "stop" message from the parent, then exits normally. Also
 * answers profile requests, so that only the measured window is profiled (not start-up or warm-up).
 */
export function onStop(close: () => Promise<void>): void {
  let stopping = false
  let session: Session | undefined
  const stop = () => {
    if (stopping) return
    stopping = true
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error)
        process.exit(1)
      },
    )
  }
  const reply = (message: ProfileReply) => process.send?.(message)
  const profile = async (request: ProfileRequest) => {
    if (request.type === 'profile-start') {
      session ??= new Session()
      session.connect()
      await session.post('Profiler.enable')
      await session.post('Profiler.start')
      reply({ type: 'profile-started' })
      return
    }
    if (session === undefined) throw new Error('profile-stop without profile-start')
    const { profile: result } = await session.post('Profiler.stop')
    session.disconnect()
    await writeFile(request.file, JSON.stringify(result))
    reply({ type: 'profile-written' })
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
  process.on('message', (message: 'stop' | ProfileRequest) => {
    if (message === 'stop') stop()
    else if (message.type === 'profile-start' || message.type === 'profile-stop') {
      profile(message).catch((error: unknown) => {
        console.error(error)
        process.exit(1)
      })
    }
  })
  // The parent going away (its IPC channel closing) stops us too, so no server is left behind.
  process.on('disconnect', stop)
}
