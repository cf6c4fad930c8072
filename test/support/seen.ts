/**
 * Testing Library options that read text as a person sees it: without the
 * invisible marks (FSI, PDI) that isolate a file name inside a sentence, and
 * with no-break spaces as spaces.
 */
export const seen = {
  normalizer: (text: string) =>
    text
      .replace(/[\u2068\u2069]/g, '')
      .replace(/\s+/g, ' ')
      .trim(),
};
