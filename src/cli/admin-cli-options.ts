import { InvalidArgumentError, Option } from 'commander';

/** Commander parser for a TCP port; 0 picks a free one. */
export function portNumber(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65_535) throw new InvalidArgumentError('expected a port number (0-65535)');
  return parsed;
}

export const ADMIN_PORT = 8080;
export const ADMIN_HOST = '127.0.0.1';

/** `--<prefix>port` and `--<prefix>host` of the admin's server. */
export function adminServerOptions(prefix: '' | 'admin-'): Option[] {
  return [
    new Option(`--${prefix}port <n>`, 'port of the web admin (0 picks a free one)').argParser(portNumber).default(ADMIN_PORT),
    new Option(`--${prefix}host <host>`, 'address the web admin listens on; anything but loopback needs SIPHON_ADMIN_TOKEN set').default(
      ADMIN_HOST,
    ),
  ];
}
