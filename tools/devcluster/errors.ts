/** Typed errors of the local control plane, so callers (CLI, jest setup) can print a precise cause. */
export class DevClusterError extends Error {
  override readonly name: string = 'DevClusterError';
}

/** A required binary is missing or could not be built. The message says how to provide it. */
export class MissingBinariesError extends DevClusterError {
  override readonly name = 'MissingBinariesError';
}

/** A component did not become ready in time; `logFile` holds its output. */
export class ComponentStartError extends DevClusterError {
  override readonly name = 'ComponentStartError';
  constructor(
    readonly component: string,
    message: string,
    readonly logFile?: string,
  ) {
    super(`${component}: ${message}${logFile ? ` (log: ${logFile})` : ''}`);
  }
}
