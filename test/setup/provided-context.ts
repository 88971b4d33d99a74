// What the global setup (services.ts) hands every test file through
// `project.provide` / `inject`.
declare module 'vitest' {
  export interface ProvidedContext {
    /** The PostgreSQL every suite uses: the one configured, or an embedded one started for this run. */
    postgresUrl: string;
    /** The Redis the Redis suites use, or null when they are skipped. */
    redisUrl: string | null;
  }
}

export {};
