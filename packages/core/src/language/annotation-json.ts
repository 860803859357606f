import { findNodeAtLocation, parseTree, printParseErrorCode, type Node as JsonNode, type ParseError } from 'jsonc-parser';

/** The annotation's JSON with the offset of every value, for mapping problems to source. */
export interface AnnotationJson {
  root: JsonNode | undefined;
  /** The first syntax error, with its offset in the JSON text; undefined when the JSON is valid. */
  error: { offset: number; length: number; message: string } | undefined;
}

const ERROR_TEXT: Record<string, string> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'expected a quoted key',
  ValueExpected: 'expected a value',
  ColonExpected: 'expected ":"',
  CommaExpected: 'expected ","',
  CloseBraceExpected: 'expected "}"',
  CloseBracketExpected: 'expected "]"',
  EndOfFileExpected: 'unexpected text after the JSON value',
  InvalidCommentToken: 'comments are not JSON',
  UnexpectedEndOfComment: 'comments are not JSON',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'unterminated number',
  InvalidUnicode: 'invalid \\u escape',
  InvalidEscapeCharacter: 'invalid escape',
  InvalidCharacter: 'control character in a string',
};

/** Parses strictly (no comments, no trailing commas), as Go's encoding/json does. */
export function parseAnnotationJson(text: string): AnnotationJson {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: false, disallowComments: true, allowEmptyContent: false });
  const first = errors[0];
  if (first) {
    const message = ERROR_TEXT[printParseErrorCode(first.error)] ?? 'not valid JSON';
    return { root, error: { offset: first.offset, length: Math.max(1, first.length), message } };
  }
  // The scanner accepts what JSON.parse does not in a few corners (e.g. leading zeros): ask both.
  try {
    JSON.parse(text);
  } catch {
    return { root, error: { offset: 0, length: text.length, message: 'not valid JSON' } };
  }
  return { root, error: undefined };
}

/** Which part of the annotation a problem is about: an array element and a key path inside it. */
export interface JsonLocation {
  index?: number;
  /** Key path inside the element, e.g. ['from', 'name']. */
  path?: readonly string[];
  /** Point at the key itself (an unknown key) rather than its value. */
  onKey?: boolean;
}

/** The JSON range [start, end) of a location; the nearest existing ancestor when part is missing. */
export function locate(json: AnnotationJson, where: JsonLocation): [number, number] | undefined {
  const root = json.root;
  if (!root) return undefined;
  let node: JsonNode = root;
  if (where.index !== undefined) {
    const element = findNodeAtLocation(root, [where.index]);
    if (!element) return [root.offset, root.offset + root.length];
    node = element;
  }
  for (const key of where.path ?? []) {
    const next = findNodeAtLocation(node, [key]);
    if (!next) break;
    node = next;
  }
  if (where.onKey && node.parent?.type === 'property') {
    const keyNode = node.parent.children?.[0];
    if (keyNode) return [keyNode.offset, keyNode.offset + keyNode.length];
  }
  return [node.offset, node.offset + node.length];
}
