import { readFileSync } from 'node:fs';
import { gatherFacts } from './src/precheck/facts.js';
import { loadRules } from './src/precheck/rules.js';
const [file, ruleId] = process.argv.slice(2);
const facts = gatherFacts(readFileSync(file!, 'utf8'));
const rule = loadRules().find((r) => r.id === ruleId)!;
for (const [i, m] of rule.matchers.entries()) for (const s of [...facts.text.sentences, ...facts.statements]) {
  if (!m.any.some((re) => re.test(s.text))) continue;
  const ctx = `${facts.text.clauses[s.clause]?.heading}\n${s.text}`;
  if (m.with.length && !m.with.some((re) => re.test(ctx))) continue;
  if (m.unless.some((re) => re.test(s.text))) continue;
  console.log(i, s.unfilled ? 'UNFILLED' : 'FILLED', s.text.slice(0, 120));
}
console.log('parties', facts.parties.map((p) => `${p.label}/${p.role}/${p.name}`), facts.blankPartyLabels, facts.customer, facts.regions);
