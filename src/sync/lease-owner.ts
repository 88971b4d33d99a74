import { hostname } from 'node:os';

/**
 * Lease owners are `host:pid:nonce`. A lease held by a process of this host
 * that no longer exists can be taken over at once instead of waiting for it
 * to expire: that is how `siphon run` resumes right after a crash or SIGKILL.
 */
export function newLeaseOwner(worker: string): string {
  return `${worker}:${Math.random().toString(36).slice(2, 10)}`;
}

export function defaultWorker(): string {
  return `${hostname()}:${process.pid}`;
}

/** Whether `owner` names a process on this host that has exited. */
export function isDeadLocalOwner(owner: string): boolean {
  const match = /^(.*):(\d+):[a-z0-9]+$/.exec(owner);
  if (!match || match[1] !== hostname()) return false;
  const pid = Number(match[2]);
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
