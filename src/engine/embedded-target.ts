/** The embedded mock server: the target when no --host is given. */
import { startMockServer, type MockServer } from '../mock/index.js';

export async function startEmbeddedTarget(): Promise<MockServer> {
  return startMockServer({ port: 0, host: '127.0.0.1' });
}
