import type { OptionList } from '../model/options.js';
import type { Sentence } from '../text.js';
import { sentencesBySection, type CheckContext } from './types.js';

/**
 * The dispute clause as the two dispute checks read it: the sections that speak of resolving a
 * dispute, the forums their chosen text names, and a model-form choice left blank. A stray 纠纷
 * (in a force-majeure list) or 诉讼费 (in an indemnity) is no dispute clause.
 */

export interface DisputeVocabulary {
  court: RegExp;
  courtNotForum: RegExp;
}

export interface DisputeSection {
  sentences: Sentence[];
  arbitration: Sentence[];
  court: Sentence[];
  /** An option list over this section whose choice is blank and that names at least one forum. */
  blankChoice?: OptionList;
  /** A blank-choice list whose forums are blank too (`提交____仲裁委员会；向____人民法院`): no forum at all. */
  blankForums?: OptionList;
}

/** A dispute named together with a way of settling it. */
const DISPUTE_SENTENCE =
  /(争议|纠纷|争端|分歧)[^。；;]{0,60}(协商|调解|解决|提交|提请|管辖|起诉|申请仲裁|[向由][^。；;]{0,20}(法院|仲裁))|(协商|调解|解决)[^。；;]{0,10}(争议|纠纷|争端)|(管辖|仲裁)(法院|机构|地)?[:：]/u;
/** A force-majeure clause lists disputes among its events; it settles none. */
const NOT_DISPUTE_HEADING = /不可抗力/u;
const FORUM = /仲裁|法院|诉讼|起诉/u;
/** A fill-in blank where the forum's name belongs. */
const BLANK_FIELD = /_{3,}|(?<![A-Za-z])X{3,}(?![A-Za-z])|×{3,}|某某/u;
const DISPUTE_HEADING = /争议|纠纷|争端|管辖|法律适用|适用法律|诉讼|仲裁/u;

export function readDisputeSections(ctx: CheckContext, vocabulary: DisputeVocabulary): DisputeSection[] {
  const { text, optionLists } = ctx.facts;
  const out: DisputeSection[] = [];
  for (const section of sentencesBySection(ctx)) {
    const headingOf = (s: Sentence) => text.clauses[s.clause]?.heading ?? '';
    const about = section.sentences.filter(
      (s) => !NOT_DISPUTE_HEADING.test(headingOf(s)) && (DISPUTE_SENTENCE.test(s.text) || DISPUTE_HEADING.test(headingOf(s))),
    );
    // In a dispute section, a sentence offering a forum belongs to it even without the word 争议.
    const arbitration = section.sentences.filter((s) => /仲裁/.test(s.text) && !/不得[^。；;]{0,6}仲裁|仲裁裁决[^。；;]{0,6}(执行|撤销)/.test(s.text));
    // A word that says a court is no forum (执行, 撤销, 过程中…) counts only in the phrase that names the
    // court: `在合同履行过程中发生的争议，…向甲方所在地人民法院起诉` still chooses a court.
    const court = section.sentences.filter((s) =>
      s.text.split(/[，,]/).some((phrase) => vocabulary.court.test(phrase) && !vocabulary.courtNotForum.test(phrase)),
    );
    const list = optionLists.find(
      (l) => l.chosen.length === 0 && l.start < section.end && l.end > section.start && l.options.some((o) => FORUM.test(text.norm.slice(o.start, o.end))),
    );
    // A forum option with its name left blank names nobody; a list of only such options chooses no forum.
    const namesForum = list?.options.some((o) => {
      const option = text.norm.slice(o.start, o.end);
      return FORUM.test(option) && !BLANK_FIELD.test(option);
    });
    const blankChoice = list && namesForum ? list : undefined;
    const blankForums = list && !namesForum ? list : undefined;
    // A model form's blank choice takes its whole sentence out of the agreed text; the list itself still shows the clause.
    if (about.length === 0 && !list) continue;
    out.push({ sentences: about, arbitration, court, ...(blankChoice ? { blankChoice } : {}), ...(blankForums ? { blankForums } : {}) });
  }
  return out;
}
