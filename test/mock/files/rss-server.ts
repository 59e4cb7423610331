/**
 * Child process for the upload RSS test: a mock server alone in its process, sampling its own RSS.
 * Prints its URL; on SIGUSR2 prints `{"baseline":..,"peak":..}` (bytes); exits on SIGTERM.
 */
import { startMockServer } from '../../../src/mock/index.js';

const server = await startMockServer({ auth: { noAuth: true } });
const baseline = process.memoryUsage().rss;
let peak = baseline;
setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5).unref();
process.on('SIGUSR2', () => {
  peak = Math.max(peak, process.memoryUsage().rss);
  process.stdout.write(`${JSON.stringify({ baseline, peak })}\n`);
});
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
process.stdout.write(`${server.url}\n`);
