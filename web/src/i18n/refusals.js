// The server's refusals, matched by message, to the form field they concern and the
// key of their text in zh-CN.js / en.js (refusal.*). `names` name the captured groups,
// which the texts use as {name}; {label} is the field's label. The first match wins; an
// unmatched message falls back to refusal.generic with the original text.
export const REFUSALS = [
  // INVALID_EVENT: "data.<field>: <what>"
  { re: /^data\.(\w+)(?:\[\d+\])?: must be from (-?\d+) to (\d+)/, names: ['field', 'min', 'max'], key: 'range' },
  { re: /^data\.(\w+)(?:\[\d+\])?: must be at least (-?\d+)/, names: ['field', 'min'], key: 'atLeast' },
  { re: /^data\.(\w+)(?:\[\d+\])?: must have (\d+)-(\d+) elements/, names: ['field', 'min', 'max'], key: 'elements' },
  { re: /^data\.(\w+)(?:\[\d+\])?: must be (\d+)-(\d+) bytes/, names: ['field', 'min', 'max'], key: 'bytes' },
  { re: /^data\.(\w+)(?:\[\d+\])?: must be of \[/, names: ['field'], key: 'idChars' },
  { re: /^data\.(\w+)(?:\[\d+\])?: must be a date/, names: ['field'], key: 'date' },
  { re: /^data\.(\w+): required for a locality studio/, names: ['field'], key: 'townRequired' },
  { re: /^data\.(\w+)(?:\[\d+\])?: must be one of/, names: ['field'], key: 'oneOf' },
  { re: /^data\.(\w+)(?:\[\d+\])?: (?:is )?(?:required|missing)/, names: ['field'], key: 'required' },
  { re: /^data\.(\w+)(?:\[\d+\])?: /, names: ['field'], key: 'invalidField' },
  { re: /^occurredAt: more than 5 minutes ahead/, field: 'occurredAt', key: 'future' },
  { re: /^occurredAt: must not be before/, field: 'occurredAt', key: 'tooEarly' },
  { re: /^occurredAt: /, field: 'occurredAt', key: 'badTime' },
  // REFERENCE_ERROR
  { re: /^member "([^"]+)" is not in studio "([^"]+)"/, names: ['member', 'studio'], field: 'members', key: 'notMember' },
  { re: /^member "([^"]+)" is already in studio "([^"]+)"/, names: ['member', 'studio'], field: 'member', key: 'alreadyMember' },
  { re: /^member "([^"]+)" is not registered/, names: ['member'], field: 'members', key: 'memberUnknown' },
  { re: /^committee "([^"]+)" is not registered/, names: ['committee'], field: 'committee', key: 'committeeUnknown' },
  { re: /^studio "([^"]+)" is not licensed/, names: ['studio'], field: 'studio', key: 'studioUnknown' },
  { re: /^studio "([^"]+)" is suspended/, names: ['studio'], key: 'studioSuspended' },
  { re: /^studio "([^"]+)" is revoked/, names: ['studio'], key: 'studioRevoked' },
  { re: /^case "([^"]+)" is not open in studio "([^"]+)"/, names: ['id', 'studio'], field: 'case', key: 'caseNotOpen' },
  { re: /^suggestion "([^"]+)" is not submitted and not yet adopted/, names: ['id'], field: 'suggestion', key: 'suggestionNotOpen' },
  { re: /^finding "([^"]+)" is not open in studio "([^"]+)"/, names: ['id', 'studio'], field: 'finding', key: 'findingNotOpen' },
  { re: /^(case|suggestion|finding|rule|visit) "([^"]+)" is already used/, names: ['field', 'id'], key: 'idUsed' },
  { re: /^(member|committee|studio) "([^"]+)" is already registered/, names: ['field', 'id'], key: 'idRegistered' },
  { re: /registry events are corrected, never retracted/, field: 'reason', key: 'registryRetract' },
  { re: /already retracted|is retracted/, field: 'reason', key: 'alreadyRetracted' },
  { re: /depends on it|has a (?:resolution|adoption|rectification)|cannot be retracted/, field: 'reason', key: 'dependent' },
];
