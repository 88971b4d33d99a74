import { createHash } from 'node:crypto';

/**
 * The login page's own few styles, inline: every asset file sits behind the
 * token, so a page shown before login cannot load one. The content security
 * policy allows exactly this text by its hash.
 */
export const LOGIN_STYLE = [
  'body{font:15px/1.5 system-ui,sans-serif;background:#f5f6f8;color:#1c2430;display:flex;justify-content:center;padding-top:12vh;margin:0}',
  'main{background:#fff;border:1px solid #dde1e7;border-radius:8px;padding:24px 32px;max-width:420px}',
  'h1{font-size:20px;margin:0 0 12px}label{display:block;margin:12px 0}input[type=password]{width:100%;padding:6px 8px;font:inherit;box-sizing:border-box}',
  'button{padding:6px 16px;font:inherit;background:#2557d6;color:#fff;border:0;border-radius:4px;cursor:pointer}',
  '.error{color:#b42318}.muted{color:#667085;font-size:13px}code{background:#eef0f4;padding:0 3px;border-radius:3px}',
].join('');

export const LOGIN_STYLE_HASH = `'sha256-${createHash('sha256').update(LOGIN_STYLE).digest('base64')}'`;
