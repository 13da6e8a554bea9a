/** A configuration that must not boot. The message is one line, safe to print (secrets are masked). */
export class ConfigError extends Error {
  constructor(
    /** The variable at fault (the first one named when a rule involves several). */
    readonly variable: string,
    detail: string,
  ) {
    super(`Invalid configuration: ${detail}`.replace(/[\r\n]+/g, ' '));
    this.name = 'ConfigError';
  }
}
