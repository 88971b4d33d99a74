/**
 * Offset of the first syntax error in `text`, for JSON that `JSON.parse`
 * rejected: V8 often reports no position ("Unexpected token '}', … is not
 * valid JSON"), and a config error should say file:line:col. Only locates;
 * `JSON.parse` stays the judge of validity.
 */
export function jsonErrorOffset(text: string): number | undefined {
  let at = 0;
  const fail = (): never => {
    throw at;
  };
  const space = (): void => {
    while (at < text.length && ' \t\r\n'.includes(text[at] as string)) at += 1;
  };
  const expect = (char: string): void => {
    space();
    if (text[at] !== char) fail();
    at += 1;
  };
  const string = (): void => {
    if (text[at] !== '"') fail();
    at += 1;
    while (text[at] !== '"') {
      if (at >= text.length || text.charCodeAt(at) < 0x20) fail();
      if (text[at] === '\\') {
        at += 1;
        if (text[at] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(at + 1, at + 5))) fail();
          at += 4;
        } else if (!'"\\/bfnrt'.includes(text[at] ?? 'x')) fail();
      }
      at += 1;
    }
    at += 1;
  };
  const value = (): void => {
    space();
    const char = text[at];
    if (char === '{') {
      container('}', () => {
        space();
        string();
        expect(':');
        value();
      });
      return;
    }
    if (char === '[') {
      container(']', value);
      return;
    }
    if (char === '"') {
      string();
      return;
    }
    const literal = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(at))?.[0];
    if (literal === undefined) fail();
    at += (literal as string).length;
  };
  const container = (close: string, item: () => void): void => {
    at += 1;
    space();
    if (text[at] === close) {
      at += 1;
      return;
    }
    for (;;) {
      item();
      space();
      if (text[at] === close) {
        at += 1;
        return;
      }
      expect(',');
    }
  };
  try {
    value();
    space();
    return at < text.length ? at : undefined;
  } catch (offset) {
    return offset as number;
  }
}
