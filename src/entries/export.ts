// `siphon-sync/export`: streaming CSV (RFC 4180), XLSX and JSON writers with exact numbers.

export { ExportFileError } from '../errors/export-file-error.js';
export type { ExportColumn } from '../export/export-column.js';
export { type ExportFormat, exportFormats } from '../export/export-format.js';
export { type ExportResult, type ExportRowsOptions, exportRows } from '../export/export-rows.js';
