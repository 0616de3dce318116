/** The exit codes scripts can rely on (docs/operations.md, "The pos-bridge command"). */
export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  database: 3,
  internal: 4,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
