import { watchTokenFile, type Authenticator, type ReloadableAuthenticator } from "@pulse/http";
import type { Logger } from "@pulse/kit";
import { parseTokenFile, tokenAuthenticator, type TokenEntry } from "./tokens";

/**
 * The query service's tokens: fixed, or re-read from their file on change and SIGHUP;
 * `onTenants` hears the tenants of every reloaded file (the alert scheduler picks up new ones).
 */
export function queryAuthenticator(
  tokens: readonly TokenEntry[],
  file: string | undefined,
  logger: Logger,
  onTenants?: (tenants: readonly string[]) => void,
): Authenticator & Pick<ReloadableAuthenticator, "close"> {
  if (file === undefined) return { ...tokenAuthenticator(tokens), close: () => undefined };
  return watchTokenFile({ path: file, parse: parseTokenFile, logger, ...(onTenants ? { onReload: (a: { tenants: string[] }) => onTenants(a.tenants) } : {}) });
}
