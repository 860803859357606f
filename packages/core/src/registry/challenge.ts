// `WWW-Authenticate` challenges (RFC 7235): `Bearer realm="...",service="...",scope="..."`, `Basic realm="..."`.

export interface Challenge {
  /** Lowercase: `bearer`, `basic`, ... */
  scheme: string;
  /** Parameter names lowercased; values unquoted. */
  params: Record<string, string>;
}

/** Every challenge in a header value, in order; malformed trailing text is ignored. */
export function parseChallenges(header: string): Challenge[] {
  const challenges: Challenge[] = [];
  let i = 0;
  const skip = (pattern: RegExp) => {
    while (i < header.length && pattern.test(header.charAt(i))) i++;
  };
  const token = (): string => {
    const start = i;
    skip(/[!#$%&'*+.^_`|~0-9A-Za-z-]/);
    return header.slice(start, i);
  };
  while (i < header.length) {
    skip(/[\s,]/);
    const scheme = token();
    if (scheme === '') break;
    const challenge: Challenge = { scheme: scheme.toLowerCase(), params: {} };
    challenges.push(challenge);
    for (;;) {
      skip(/[\s,]/);
      const save = i;
      const name = token();
      skip(/\s/);
      if (name === '' || header.charAt(i) !== '=') {
        i = save; // the next challenge's scheme, or the end
        break;
      }
      i++;
      skip(/\s/);
      challenge.params[name.toLowerCase()] = header.charAt(i) === '"' ? quoted() : token();
    }
  }
  return challenges;

  function quoted(): string {
    let value = '';
    i++;
    while (i < header.length && header.charAt(i) !== '"') {
      if (header.charAt(i) === '\\') i++;
      value += header.charAt(i);
      i++;
    }
    i++;
    return value;
  }
}
