export { type AutoConfig, type AutoOptions, type AutoPaginator, auto, CURSOR_PATHS, NEXT_URL_PATHS } from './auto.js';
export { type CursorConfig, type CursorOptions, cursor } from './cursor.js';
export { type LinkHeaderConfig, type LinkHeaderOptions, linkHeader, type ParsedLink, parseLinkHeader } from './link-header.js';
export { type NextUrlConfig, type NextUrlOptions, nextUrl } from './next-url.js';
export { type OffsetConfig, type OffsetOptions, offset } from './offset.js';
export { PAGE_SIZE_PARAMS, type PageNumberConfig, type PageNumberOptions, pageNumber } from './page-number.js';
export { describeRecordsPath, RECORDS_KEYS, selectRecords } from './records.js';
export { createPaginator, type PaginatorConfig, paginatorTypes } from './registry.js';
export { type RelayConfig, type RelayOptions, relay } from './relay.js';
export { type SingleConfig, type SingleOptions, single } from './single.js';
export { type CheckStopOptions, checkStop, readTotalRecords, type StopCheck } from './stop-conditions.js';
export { type Strategy, type StrategyName, strategies } from './strategies.js';
export type {
  JsonPrimitive,
  JsonValue,
  PageContext,
  PageStep,
  PageToken,
  Paginator,
  PaginatorInit,
  RequestPatch,
  StopOptions,
} from './types.js';
