import type { Hono } from 'hono';
import { stringify } from 'yaml';
import type { AdminEnv } from './admin-env.js';
import type { AdminState } from './admin-state.js';
import { Layout, sendPage } from './layout.js';
import { maskedConfig } from './masked-config.js';

/** `/config`: the resolved config, `${env:NAME}` by name, inline credentials masked. */
export function configPage(app: Hono<AdminEnv>, state: AdminState): void {
  app.get('/config', (c) =>
    sendPage(
      c,
      <Layout state={state} title="Config" nav="config">
        <p class="muted">
          {state.config.file ? `From ${state.config.file}, resolved` : 'Resolved'}: defaults applied, inherited options on each resource.
          Values from the environment show as <code>{'${env:NAME}'}</code>; credentials written inline show as <code>***</code>.
        </p>
        <pre class="config" id="config-yaml">
          {stringify(maskedConfig(state.config), { lineWidth: 0 })}
        </pre>
      </Layout>,
    ),
  );
}
