/**
 * The embedded mock server: the target when no --host is given. It accepts the credentials the
 * run is configured with (API_KEY as a static key, the Basic user/password and key endpoint of
 * the bootstrap), so the same flags and env work against it as against a real service. It
 * takes any completion window (`batch-expire --expire-window 1s`), which only batch-expire asks
 * for; the other batch scenarios send the API's `24h`.
 */
import type { AuthConfig } from '../config/types.js';
import { startMockServer, type MockServer } from '../mock/index.js';

const DEFAULT_KEY_PATHS = ['/admin/api/v1/users/current/api-keys', '/ai/admin/api-keys'];

export async function startEmbeddedTarget(auth: AuthConfig): Promise<MockServer> {
  const endpointPath = /^https?:\/\//i.test(auth.apiKeyEndpoint) ? new URL(auth.apiKeyEndpoint).pathname : auth.apiKeyEndpoint;
  const apiKeyPaths = [...new Set([...DEFAULT_KEY_PATHS, endpointPath.startsWith('/') ? endpointPath : `/${endpointPath}`])];
  return startMockServer({
    port: 0,
    host: '127.0.0.1',
    auth: {
      adminUser: auth.basicAuthUsername,
      adminPassword: auth.basicAuthPassword,
      apiKeyPaths,
      staticKeys: auth.apiKey ? [auth.apiKey] : [],
    },
    batch: { anyCompletionWindow: true },
  });
}
