import { describe, expect, it } from 'vitest';
import { normaliseCitationShapes, stripStrayCitationShapes } from '../../src/answer/citation-shapes.js';
import { checkCitations, supportedSentences } from '../../src/answer/llm.js';

/**
 * Issue 15: odd citation shapes from a model (`[^9]`, `(9)`, `[1-9]`) used to reach users. They
 * are read as citations where they stand as one, then checked like any other: kept and renumbered
 * when the passage exists, dropped when invented; never shown raw.
 */

/** The answer path's order: normalise, keep supported sentences, check and renumber, strip debris. */
const pipeline = (raw: string, passages: number) => stripStrayCitationShapes(checkCitations(supportedSentences(normaliseCitationShapes(raw), passages), passages).text);

describe('citation shapes', () => {
  it('footnotes, ranges and parenthesised numbers become checked [n] citations', () => {
    expect(pipeline('不得收受回扣[^2]。定金上限为三成(1)。', 3)).toBe('不得收受回扣[2]。定金上限为三成[1]。');
    expect(pipeline('账期须经财务审批[1-2]。', 3)).toBe('账期须经财务审批[1][2]。');
    expect(pipeline('Kickbacks are forbidden (3).', 3)).toBe('Kickbacks are forbidden[1].');
  });

  it('invented passages and absurd ranges are dropped with the claim they alone supported', () => {
    expect(pipeline('不得收受回扣[^9]。定金上限为三成[1]。', 3)).toBe('定金上限为三成[1]。');
    expect(pipeline('全部条款均适用[1-9]。定金上限为三成[2]。', 3)).toBe('定金上限为三成[1]。');
  });

  it('numbers in parentheses that are content, not citations, are left alone (negative)', () => {
    expect(normaliseCitationShapes('按第(3)款执行，分(1)(2)两步[1]。')).toBe('按第(3)款执行，分(1)(2)两步[1]。');
    expect(normaliseCitationShapes('(1) 先签合同；(2) 再发货[1]。')).toBe('(1) 先签合同；(2) 再发货[1]。');
    expect(normaliseCitationShapes('增长了 (2024 年)。')).toBe('增长了 (2024 年)。');
  });
});
