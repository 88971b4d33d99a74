/**
 * A service the suites need is missing and cannot be skipped: PostgreSQL
 * when no embedded one starts either, or Redis under CI=true or
 * SIPHON_TEST_REQUIRE_SERVICES=1. No stack: where the setup threw says
 * nothing; the message says what to do.
 */
export class MissingServiceError extends Error {
  override name = 'MissingServiceError' as const;

  constructor(message: string) {
    super(message);
    this.stack = `${this.name}: ${message}`;
  }
}
