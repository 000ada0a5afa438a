// How deep JSON text nests, found without parsing it (nothing recursive runs on untrusted text
// before its depth is known to be bounded).

/**
 * Offset of the bracket that nests deeper than `max` levels, or -1. One pass, no recursion, so it
 * is safe on any text (100,000 unclosed brackets included) and runs before anything recursive.
 */
export function jsonNestingTooDeep(text: string, max: number): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return i;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return -1;
}
