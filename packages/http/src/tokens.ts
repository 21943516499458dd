/**
 * Hashed tokens and their rotation. Only SHA-256 digests are kept; a presented token is hashed and
 * compared with every digest in constant time without stopping at the first match, so neither the
 * comparison nor the position of the match leaks through timing.
 *
 * Rotation without restart: `watchTokenFile` re-reads its file when it changes (polled, so an
 * atomic rename by a secrets manager is seen too) or on SIGHUP. A file that no longer parses is
 * refused and the previous tokens stay in force (a typo must not lock every client out); the
 * error is logged without echoing any token.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import type { Logger } from "@pulse/kit";
import type { Authenticator, Principal } from "./auth";

export interface TokenDigest {
  sha256: Buffer;
  principal: Principal;
}

export function sha256(token: string): Buffer {
  return createHash("sha256").update(token, "utf8").digest();
}

export function createDigestAuthenticator(entries: readonly TokenDigest[]): Authenticator {
  const list = entries.map((e) => ({ digest: e.sha256, principal: Object.freeze({ ...e.principal }) }));
  return {
    authenticate(token) {
      const presented = sha256(token);
      let found: Principal | undefined;
      for (const e of list) {
        if (timingSafeEqual(e.digest, presented) && found === undefined) found = e.principal;
      }
      return found;
    },
  };
}

export interface ReloadableAuthenticator extends Authenticator {
  /** Re-reads the file now; false (and the old tokens kept) when it cannot be read or parsed. */
  reload(): boolean;
  /** Successful reloads so far. */
  readonly generation: number;
  close(): void;
}

export interface WatchTokenFileOptions<A extends Authenticator = Authenticator> {
  path: string;
  /** Parses the file's text; throws an Error saying which entry is wrong (never echoing a token). */
  parse: (text: string) => A;
  /** Called with what a successful reload parsed (e.g. to pick up the tenants it names). */
  onReload?: (parsed: A) => void;
  /** Tokens that do not come from the file (e.g. an environment variable), always in force. */
  fixed?: Authenticator;
  logger: Logger;
  /** Poll interval of the file (ms). */
  intervalMs?: number;
  /** Reload on this signal too (default SIGHUP; false: none). */
  signal?: NodeJS.Signals | false;
}

export function watchTokenFile<A extends Authenticator = Authenticator>(opts: WatchTokenFileOptions<A>): ReloadableAuthenticator {
  // A rotation that renames a new file into place can keep the size and, on a coarse clock, the
  // mtime of the old one: the inode and ctime tell it apart.
  type Stat = { mtimeMs: number; ctimeMs: number; size: number; ino: number };
  const statNow = (): Stat | null => {
    try {
      const s = statSync(opts.path);
      return { mtimeMs: s.mtimeMs, ctimeMs: s.ctimeMs, size: s.size, ino: s.ino };
    } catch {
      return null;
    }
  };
  // The file's stat is taken before each read: a change after it is seen at the next poll. Polls
  // compare with what was last read, not with a watcher's own first look (fs.watchFile took that
  // on the thread pool, and a rotation landing before it was never seen).
  let loaded = statNow();
  let current: A = opts.parse(readFileSync(opts.path, "utf8"));
  let generation = 0;
  const reload = (): boolean => {
    loaded = statNow();
    try {
      current = opts.parse(readFileSync(opts.path, "utf8"));
      generation++;
      opts.logger.info({ file: opts.path, generation }, "tokens reloaded");
      try {
        opts.onReload?.(current);
      } catch (e) {
        opts.logger.error({ err: (e as Error).message }, "a token reload listener failed; the new tokens are in force");
      }
      return true;
    } catch (e) {
      opts.logger.error({ file: opts.path, err: (e as Error).message }, "token file refused; the previous tokens stay in force");
      return false;
    }
  };
  const poll = setInterval(() => {
    const now = statNow();
    if (now && (!loaded || now.ino !== loaded.ino || now.mtimeMs !== loaded.mtimeMs || now.ctimeMs !== loaded.ctimeMs || now.size !== loaded.size)) reload();
  }, opts.intervalMs ?? 1000);
  poll.unref();
  const signal = opts.signal ?? "SIGHUP";
  const onSignal = (): void => void reload();
  if (signal) process.on(signal, onSignal);
  return {
    authenticate: (token) => opts.fixed?.authenticate(token) ?? current.authenticate(token),
    reload,
    get generation() {
      return generation;
    },
    close() {
      clearInterval(poll);
      if (signal) process.off(signal, onSignal);
    },
  };
}
