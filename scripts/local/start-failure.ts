/**
 * A start-up failure as one line a person can act on: what failed, and what to do. Anything thrown
 * while the engine starts ends up as one of these, so nobody meets a stack trace or an uncaught
 * `error` event on their first `npm start`.
 */
export class StartFailure extends Error {
  constructor(what: string, todo: string) {
    super(`${what}; ${todo}`);
    this.name = 'StartFailure';
  }
}

/** The message of any error, folded onto one line. */
export function oneLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').trim();
}

/** A port another process holds, as Node reports it (`listen EADDRINUSE: address already in use 127.0.0.1:3000`). */
function isPortTaken(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === 'EADDRINUSE' || /EADDRINUSE|address already in use/i.test(oneLine(error));
}

/**
 * Runs one start-up step; a failure becomes a StartFailure naming the step and what to do.
 * `portSetting` names the variable that moves the step's port when the port is taken.
 */
export async function startStep<T>(what: string, todo: string, run: () => Promise<T>, portSetting?: string): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof StartFailure) throw error;
    if (portSetting !== undefined && isPortTaken(error)) {
      throw new StartFailure(`${what}: its port is taken (${oneLine(error)})`, `stop what uses it, or set ${portSetting}`);
    }
    throw new StartFailure(`${what}: ${oneLine(error)}`, todo);
  }
}
