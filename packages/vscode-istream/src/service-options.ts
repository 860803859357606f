import type { LanguageServiceOptions } from '@istream/core/language';
import type { IstreamSettings } from './settings.js';

/** The language service's options for the user's settings. */
export function serviceOptions(settings: IstreamSettings): LanguageServiceOptions {
  return { cacheTtlMs: settings.hoverCacheTtlSeconds * 1000 };
}
