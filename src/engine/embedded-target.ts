/**
 * The embedded mock server: the target when no --host is given. It accepts the credentials the
 * run is configured with (API_KEY as a static key, the Basic user/password and key endpoint of
 * the bootstrap), so the same flags and env work against it as against a real service. It
 * takes any completion window (`batch-expire --expire-window 1s`), which only batch-expire asks
 * for; the other batch scenarios send the API's `24h`.
 */
import { StartError } from '../config/errors.js';
import type { AuthConfig } from '../config/types.js';
import { startMockServer, type MockServer } from '../mock/index.js';

const DEFAULT_KEY_PATHS = ['/admin/api/v1/users/current/api-keys', '/ai/admin/api-keys'];

/** `listen`: where it listens (default 127.0.0.1, a free port); a scale-out coordinator serves it to its workers. */
export async function startEmbeddedTarget(auth: AuthConfig, listen: { host: string; port: number } = { host: '127.0.0.1', port: 0 }): Promise<MockServer> {
  const endpointPath = /^https?:\/\//i.test(auth.apiKeyEndpoint) ? new URL(auth.apiKeyEndpoint).pathname : auth.apiKeyEndpoint;
  const apiKeyPaths = [...new Set([...DEFAULT_KEY_PATHS, endpointPath.startsWith('/') ? endpointPath : `/${endpointPath}`])];
  try {
    return await startMockServer({
      port: listen.port,
      host: listen.host,
      auth: {
        adminUser: auth.basicAuthUsername,
        adminPassword: auth.basicAuthPassword,
        apiKeyPaths,
        staticKeys: auth.apiKey ? [auth.apiKey] : [],
      },
      batch: { anyCompletionWindow: true },
    });
  } catch (err) {
    // a port in use (a coordinator's fixed --mock-port) cannot start the run: exit 3, one line
    const code = (err as NodeJS.ErrnoException).code;
    if (!code) throw err;
    throw new StartError(`cannot start the embedded mock server on ${listen.host}:${listen.port}: ${code}`);
  }
}
