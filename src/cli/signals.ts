/**
 * SIGINT/SIGTERM: the first one interrupts the run (in-flight work is abandoned and counted,
 * the partial report is written); a second one exits at once.
 */
export interface SignalHandlers {
  signal: AbortSignal;
  dispose(): void;
}

export function installSignalHandlers(stderr: NodeJS.WritableStream): SignalHandlers {
  const controller = new AbortController();
  let count = 0;
  const handler = (signal: NodeJS.Signals) => {
    count++;
    if (count === 1) {
      stderr.write(`batch-load: ${signal}: stopping, writing the partial report (again to quit at once)\n`);
      controller.abort();
    } else {
      process.exit(130);
    }
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
