import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** What the pages load; every byte comes from the package, none from a CDN. */
export type AssetName = 'admin.css' | 'admin.js' | 'uplot.js' | 'uplot.css';

export interface AdminAsset {
  /** `/assets/admin.3f2a9c01.js`: fingerprinted, so it can be cached for good. */
  readonly path: string;
  readonly type: string;
  readonly body: Uint8Array<ArrayBuffer>;
}

const require = createRequire(import.meta.url);
// `assets/admin/` sits two levels above both src/admin/ and dist/admin/.
const own = (name: string): string => fileURLToPath(new URL(`../../assets/admin/${name}`, import.meta.url));

const SOURCES: Readonly<Record<AssetName, () => string>> = {
  'admin.css': () => own('admin.css'),
  'admin.js': () => own('admin.js'),
  'uplot.js': () => require.resolve('uplot/dist/uPlot.iife.min.js'),
  'uplot.css': () => require.resolve('uplot/dist/uPlot.min.css'),
};

const TYPES: Readonly<Record<string, string>> = { css: 'text/css; charset=utf-8', js: 'text/javascript; charset=utf-8' };

/** The admin's static files, read once when the first app is created. */
export class AdminAssets {
  static #loaded: AdminAssets | undefined;
  readonly #byName = new Map<AssetName, AdminAsset>();
  readonly #byPath = new Map<string, AdminAsset>();

  private constructor() {
    for (const [name, source] of Object.entries(SOURCES) as [AssetName, () => string][]) {
      const body = new Uint8Array(readFileSync(source()));
      const hash = createHash('sha256').update(body).digest('hex').slice(0, 10);
      const extension = name.slice(name.lastIndexOf('.') + 1);
      const asset = {
        path: `/assets/${name.slice(0, -extension.length - 1)}.${hash}.${extension}`,
        type: TYPES[extension] ?? 'application/octet-stream',
        body,
      };
      this.#byName.set(name, asset);
      this.#byPath.set(asset.path, asset);
    }
  }

  static load(): AdminAssets {
    AdminAssets.#loaded ??= new AdminAssets();
    return AdminAssets.#loaded;
  }

  url(name: AssetName): string {
    return (this.#byName.get(name) as AdminAsset).path;
  }

  find(path: string): AdminAsset | undefined {
    return this.#byPath.get(path);
  }
}
