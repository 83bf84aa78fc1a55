import type { BSONRegExp } from 'bson';
import { badValue } from '../errors.ts';

/** True for a regular expression value: a JS RegExp or a bson BSONRegExp. */
export function isRegexValue(value: unknown): value is RegExp | BSONRegExp {
  return value instanceof RegExp || (value as { _bsontype?: string } | null)?._bsontype === 'BSONRegExp';
}

/**
 * A JS RegExp with MongoDB's (PCRE) options: i, m, s and x are honoured; l and u are accepted and
 * change nothing. Leading inline flags such as `(?i)` are folded into the options, since JS lacks them.
 */
export function compileRegex(pattern: string, options: string): RegExp {
  let source = pattern;
  let flags = options;
  const inline = /^\(\?([imsx]+)\)/.exec(source);
  if (inline) {
    flags += inline[1];
    source = source.slice(inline[0].length);
  }
  let jsFlags = '';
  for (const flag of new Set(flags)) {
    if (flag === 'i' || flag === 'm' || flag === 's') jsFlags += flag;
    else if (flag === 'x') source = stripExtendedSyntax(source);
    else if (flag !== 'l' && flag !== 'u') throw badValue(`invalid flag in regex options: ${flag}`);
  }
  try {
    return new RegExp(source, jsFlags);
  } catch (error) {
    throw badValue(`Regular expression is invalid: ${(error as Error).message}`);
  }
}

/**
 * A regex value as a stateless JS RegExp. bson maps the BSON "s" option to the JS "g" flag when it
 * deserializes, so "g" is read as dotAll here; "y" is dropped.
 */
export function regexOf(value: RegExp | BSONRegExp): RegExp {
  if (!(value instanceof RegExp)) return compileRegex(value.pattern, value.options);
  if (!value.global && !value.sticky) return value;
  return compileRegex(value.source, value.flags.replace(/[gy]/g, '') + (value.global ? 's' : ''));
}

/** PCRE's x option: unescaped whitespace and `#` comments outside character classes are ignored. */
function stripExtendedSyntax(pattern: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\') {
      out += ch + (pattern[i + 1] ?? '');
      i++;
    } else if (inClass) {
      if (ch === ']') inClass = false;
      out += ch;
    } else if (ch === '[') {
      inClass = true;
      out += ch;
    } else if (ch === '#') {
      while (i < pattern.length && pattern[i] !== '\n') i++;
    } else if (!/\s/.test(ch)) {
      out += ch;
    }
  }
  return out;
}
