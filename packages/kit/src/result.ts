/**
 * The one Result type of the workspace. Expected failures are values, not exceptions:
 * pipeline steps and validators return them, and only the edges (HTTP handlers, the
 * consumer loop) turn them into responses, dead letters or retries.
 */
export type Ok<T> = { readonly ok: true; readonly value: T };
export type Err<E> = { readonly ok: false; readonly error: E };
export type Result<T, E> = Ok<T> | Err<E>;

export const ok = <T>(value: T): Ok<T> => ({ ok: true, value });
export const err = <E>(error: E): Err<E> => ({ ok: false, error });

export function unwrap<T, E>(r: Result<T, E>): T {
  if (r.ok) return r.value;
  throw r.error instanceof Error ? r.error : new Error(`unwrap of an error result: ${JSON.stringify(r.error)}`);
}
