/** Typed errors of the runtime. Reconcilers branch on these, never on message text. */

/** A non-2xx answer from the Kubernetes API, with its Status reason (NotFound, Conflict, Expired...). */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
    readonly method: string,
    readonly path: string,
  ) {
    super(`${method} ${path}: ${status} ${reason}: ${message}`);
  }
}

export const isNotFound = (e: unknown): boolean => e instanceof ApiError && e.status === 404;
export const isConflict = (e: unknown): boolean => e instanceof ApiError && e.status === 409;
/** 410 Gone: the resourceVersion we watch from was compacted away; re-list. */
export const isGone = (e: unknown): boolean => e instanceof ApiError && e.status === 410;

/** An error that retrying cannot fix (bad input): the work queue does not requeue it. */
export class TerminalError extends Error {
  override readonly name = 'TerminalError';
  constructor(
    message: string,
    readonly reason: string = 'InvalidSpec',
  ) {
    super(message);
  }
}
