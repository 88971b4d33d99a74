// Writes siphon.schema.json (the config file's JSON Schema, for editors) from
// the compiled zod schema: `npm run build` runs it after tsc, so the file
// shipped in the package always matches the schema that validates configs.
import { writeFile } from 'node:fs/promises';

const { CONFIG_SCHEMA_FILE, configJsonSchemaText } = await import('../dist/config/json-schema.js');
await writeFile(new URL(`../${CONFIG_SCHEMA_FILE}`, import.meta.url), configJsonSchemaText());
