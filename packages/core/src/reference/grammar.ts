// The docker/distribution reference grammar (github.com/distribution/reference, regexp.go), as
// regular expressions. Every other module tests strings against these, never against its own copy.
//
//   reference   := name [ ":" tag ] [ "@" digest ]
//   name        := [domain "/"] path-component ["/" path-component]*
//   domain      := host [":" port]           host: DNS name or [IPv6]
//   path-component := [a-z0-9]+ (separator [a-z0-9]+)*     separator: "." | "_" | "__" | "-"+
//   tag         := [\w][\w.-]{0,127}
//   digest      := algorithm ":" hex{32,}

const alphanumeric = '[a-z0-9]+';
const separator = '(?:[._]|__|[-]+)';
const pathComponent = `${alphanumeric}(?:${separator}${alphanumeric})*`;
const domainNameComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const ipv6Address = '\\[(?:[a-fA-F0-9:]+)\\]';
const host = `(?:${domainNameComponent}(?:\\.${domainNameComponent})*|${ipv6Address})`;
const domainAndPort = `${host}(?::[0-9]+)?`;
const remoteName = `${pathComponent}(?:/${pathComponent})*`;
const tag = '[\\w][\\w.-]{0,127}';
const digest = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';

const anchored = (pattern: string): RegExp => new RegExp(`^${pattern}$`);

/** A whole reference; groups: 1 name, 2 tag, 3 digest. */
export const referencePattern = anchored(`((?:${domainAndPort}/)?${remoteName})(?::(${tag}))?(?:@(${digest}))?`);
export const domainPattern = anchored(domainAndPort);
export const pathComponentPattern = anchored(pathComponent);
export const tagPattern = anchored(tag);
/** 64 lowercase hex characters: an image ID, which the grammar refuses as a repository name. */
export const identifierPattern = /^[a-f0-9]{64}$/;

/** The longest repository name (domain and path) the grammar accepts. */
export const nameTotalLengthMax = 255;
