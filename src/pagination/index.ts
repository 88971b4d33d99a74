export type {
  JsonPrimitive,
  JsonValue,
  PageContext,
  PageStep,
  PageToken,
  Paginator,
  RequestPatch,
  StopOptions,
} from './types.js';
export { createPaginator, paginatorTypes, type PaginatorConfig, type PaginatorInit } from './registry.js';
export { pageNumber, PAGE_SIZE_PARAMS, type PageNumberConfig, type PageNumberOptions } from './page-number.js';
export { offset, type OffsetConfig, type OffsetOptions } from './offset.js';
export { cursor, type CursorConfig, type CursorOptions } from './cursor.js';
export { nextUrl, type NextUrlConfig, type NextUrlOptions } from './next-url.js';
export { linkHeader, parseLinkHeader, type LinkHeaderConfig, type LinkHeaderOptions, type ParsedLink } from './link-header.js';
export { single, type SingleConfig, type SingleOptions } from './single.js';
export { auto, CURSOR_PATHS, NEXT_URL_PATHS, type AutoConfig, type AutoOptions, type AutoPaginator } from './auto.js';
export { selectRecords, describeRecordsPath, RECORDS_KEYS } from './records.js';
export { checkStop, readTotalRecords, type CheckStopOptions, type StopCheck } from './stop-conditions.js';
