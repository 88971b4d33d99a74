/** The file formats {@link exportRows} writes. */
export type ExportFormat = 'csv' | 'xlsx' | 'json';

export const exportFormats: readonly ExportFormat[] = ['csv', 'xlsx', 'json'];
