/** Whether a process runs: signal 0 checks without touching it. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function waitForExit(pid: number, timeoutMs: number): Promise<void> {
  for (let waited = 0; isAlive(pid) && waited < timeoutMs; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
}
