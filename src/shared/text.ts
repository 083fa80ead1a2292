/**
 * Length as PostgreSQL counts `varchar(n)`: Unicode code points. A surrogate pair is one; an
 * emoji with a variation selector is two (class-validator's own length checks say one).
 */
export function codePointLength(text: string): number {
  let length = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        length--;
        i++;
      }
    }
  }
  return length;
}
