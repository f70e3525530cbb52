import * as OpenCC from 'opencc-js';

/**
 * Traditional (Taiwan/HK variants included) → Simplified, and back, via OpenCC's dictionaries.
 * Building a converter parses its dictionaries (~0.1 s), so each is built on first use.
 */
const lazy = <T>(make: () => T) => {
  let value: T | undefined;
  return () => (value ??= make());
};
const t2sConverter = lazy(() => OpenCC.Converter({ from: 'hk', to: 'cn' }));
const tw2sConverter = lazy(() => OpenCC.Converter({ from: 'tw', to: 'cn' }));
const s2tConverter = lazy(() => OpenCC.Converter({ from: 'cn', to: 'tw' }));
const t2s = (text: string) => t2sConverter()(text);
const tw2s = (text: string) => tw2sConverter()(text);
const s2t = (text: string) => s2tConverter()(text);

export type Script = 'zh-Hans' | 'zh-Hant' | 'en';

/**
 * Builds the converters now. The bot calls it before it listens: every question's script is
 * detected on the bot's thread, and building them on the first question stalled the acks of the
 * first burst after a start (~0.6 s on a busy machine). One-shot CLI calls keep them lazy.
 */
export function prepareScriptConversion(): void {
  t2sConverter();
  tw2sConverter();
  s2tConverter();
}

export function toSimplified(text: string): string {
  return tw2s(t2s(text));
}

export function toTraditional(text: string): string {
  return s2t(text);
}

/**
 * Which script a question is written in: English when it has (almost) no Han characters;
 * otherwise Traditional when converting to Simplified changes more characters than
 * converting to Traditional does.
 */
export function detectScript(text: string): Script {
  const han = text.match(/\p{Script=Han}/gu) ?? [];
  const latinWords = text.match(/[A-Za-z]{2,}/g) ?? [];
  if (han.length === 0 || (han.length < 2 && latinWords.length >= 2)) return 'en';
  const simp = toSimplified(text);
  const trad = toTraditional(text);
  const changedBySimplifying = countDiff(text, simp);
  const changedByTraditionalising = countDiff(text, trad);
  return changedBySimplifying > changedByTraditionalising ? 'zh-Hant' : 'zh-Hans';
}

/** Converts display text into the reader's script (English readers get the source as is). */
export function toScript(text: string, script: Script): string {
  if (script === 'zh-Hans') return toSimplified(text);
  if (script === 'zh-Hant') return toTraditional(text);
  return text;
}

function countDiff(a: string, b: string): number {
  const aa = [...a];
  const bb = [...b];
  let n = 0;
  for (let i = 0; i < Math.min(aa.length, bb.length); i++) if (aa[i] !== bb[i]) n++;
  return n + Math.abs(aa.length - bb.length);
}
