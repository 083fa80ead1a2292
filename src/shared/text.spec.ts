import { codePointLength } from './text';

describe('codePointLength', () => {
  it.each([
    ['', 0],
    ['morning', 7],
    ['\u2600\uFE0F', 2], // sun + variation selector: two code points
    ['\u{1F600}', 1], // a surrogate pair is one
    ['a\u{1F600}b', 3],
    ['\uD800', 1], // a lone surrogate counts as one, as the driver sends U+FFFD
    ['\uDC00\uD800', 2], // low before high: not a pair
  ])('%j has %i code points', (text, length) => {
    expect(codePointLength(text)).toBe(length);
    expect(codePointLength(text)).toBe([...text].length);
  });
});
