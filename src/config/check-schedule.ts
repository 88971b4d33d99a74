import { Cron } from 'croner';

const NAMES = /\b(?:JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC|SUN|MON|TUE|WED|THU|FRI|SAT)\b/gi;

/**
 * Why `expression` is not a schedule Siphon accepts, or `undefined`. Schedules
 * run in-process (croner) and in distributed mode (BullMQ, whose
 * cron-parser reads `L`, `W`, `#`, `?` and nicknames differently), so only the
 * common ground is allowed: 5 fields (minute precision) or 6 (seconds first)
 * of numbers, `*`, ranges, lists, steps and month/day names.
 */
export function scheduleProblem(expression: string, timeZone = 'UTC'): string | undefined {
  const fields = expression.trim().split(/\s+/);
  if (expression.trim().startsWith('@')) {
    return `"${expression}": nicknames such as @daily are not supported; write the 5 fields ("0 0 * * *")`;
  }
  if (fields.length !== 5 && fields.length !== 6) {
    return `"${expression}" has ${expression.trim() === '' ? 0 : fields.length} field(s); expected 5 (minute hour day month weekday) or 6 (second first)`;
  }
  for (const field of fields) {
    const extension = /[#?]/.exec(field)?.[0] ?? /[LW]/i.exec(field.replace(NAMES, ''))?.[0];
    if (extension !== undefined) {
      return `"${expression}" uses "${extension}", a cron extension that croner and BullMQ's cron-parser read differently; use plain numbers, *, ranges, lists and steps`;
    }
    if (/[^0-9A-Za-z*,/-]/.test(field) || /[A-Za-z]/.test(field.replace(NAMES, ''))) {
      return `"${expression}": field "${field}" is not valid cron (numbers, *, a-b ranges, lists, /steps and JAN…DEC / SUN…SAT only)`;
    }
  }
  let cron: Cron;
  try {
    cron = new Cron(expression, { paused: true, timezone: timeZone, mode: '5-or-6-parts' });
  } catch (error) {
    return `"${expression}" is not a valid cron expression: ${(error as Error).message.replace(/^CronPattern: /, '')}`;
  }
  if (cron.nextRun() === null) return `"${expression}" never fires`;
  return undefined;
}

/** Whether `zone` is a time zone the runtime knows (`Europe/Paris`, `UTC`). */
export function isTimeZone(zone: string): boolean {
  if (zone.trim() === '') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
