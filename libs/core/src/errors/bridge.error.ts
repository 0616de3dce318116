export interface BridgeErrorOptions {
  cause?: unknown;
  /** Must never carry secrets: it is logged and may be shown to operators. */
  metadata?: Record<string, unknown>;
}

/** Base of every error the bridge raises on purpose. `code` is stable: scripts, metrics and the API rely on it. */
export abstract class BridgeError extends Error {
  abstract readonly code: string;
  readonly metadata: Record<string, unknown>;

  constructor(message: string, options: BridgeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.metadata = options.metadata ?? {};
  }

  toJSON(): { code: string; message: string; metadata: Record<string, unknown> } {
    return { code: this.code, message: this.message, metadata: this.metadata };
  }
}

export function isBridgeError(error: unknown): error is BridgeError {
  return error instanceof BridgeError;
}
