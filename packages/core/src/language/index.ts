export type * from './types.js';
export { createLanguageService, type LanguageServiceOptions } from './service.js';
export { RULES, RULE_DOCS_URL, ruleHelpUri, type Rule } from './rules.js';
export { registryImageLookup } from './registry-lookup.js';
export { imageStreamTagInfos, streamTagsInText, type ImageStreamTagFields } from './streams.js';
