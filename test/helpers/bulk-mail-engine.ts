import { startCatcherProcess, type CatcherProcess } from './catcher-process.js';
import { startEngine, type RunningEngine } from './engine.js';

export interface BulkMailEngine {
  engine: RunningEngine;
  catcher: CatcherProcess;
  stop(): Promise<void>;
}

/**
 * The engine for tests that send thousands of e-mails: the catcher parses every message
 * (mailparser, a few ms each) in a process of its own, so the worker's thread sends rather than parses.
 */
export async function startBulkMailEngine(): Promise<BulkMailEngine> {
  const catcher = await startCatcherProcess();
  const engine = await startEngine({ smtpPoolSize: 6, smtpRatePerSecond: 5_000, smtpUrl: catcher.url });
  return {
    engine,
    catcher,
    async stop() {
      await engine.stop();
      await catcher.stop();
    },
  };
}
