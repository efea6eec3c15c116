// The server's refusals, matched by message, to the form field they concern and the
// key of their text in zh-CN.js / en.js (refusal.*). Captured groups become {0}, {1}, ….
// The first match wins; an unmatched message falls back to refusal.generic + the original.
export const REFUSALS = [
  // INVALID_EVENT: "data.<field>: <what>"
  { re: /^data\.(\w+)(?:\[\d+\])?: must be from (\d+) to (\d+)/, field: 1, key: 'range' },
  { re: /^data\.(\w+)(?:\[\d+\])?: must be at least (\d+)/, field: 1, key: 'atLeast' },
  { re: /^data\.(\w+)(?:\[\d+\])?: must have (\d+)-(\d+) elements/, field: 1, key: 'elements' },
  { re: /^data\.(\w+)(?:\[\d+\])?: must be (\d+)-(\d+) bytes/, field: 1, key: 'bytes' },
  { re: /^data\.(\w+)(?:\[\d+\])?: must be of \[/, field: 1, key: 'idChars' },
  { re: /^data\.(\w+)(?:\[\d+\])?: must be a date/, field: 1, key: 'date' },
  { re: /^data\.(\w+): required for a locality studio/, field: 1, key: 'townRequired' },
  { re: /^data\.(\w+)(?:\[\d+\])?: must be one of/, field: 1, key: 'oneOf' },
  { re: /^data\.(\w+)(?:\[\d+\])?: (?:is )?required|^data\.(\w+): missing/, field: 1, key: 'required' },
  { re: /^data\.(\w+)(?:\[\d+\])?: /, field: 1, key: 'invalidField' },
  { re: /^occurredAt: more than 5 minutes ahead/, field: 'occurredAt', key: 'future' },
  { re: /^occurredAt: must not be before/, field: 'occurredAt', key: 'tooEarly' },
  { re: /^occurredAt: /, field: 'occurredAt', key: 'badTime' },
  // REFERENCE_ERROR
  { re: /^member "([^"]+)" is not in studio "([^"]+)"/, field: 'members', key: 'notMember' },
  { re: /^member "([^"]+)" is already in studio "([^"]+)"/, field: 'member', key: 'alreadyMember' },
  { re: /^member "([^"]+)" is not registered/, field: 'members', key: 'memberUnknown' },
  { re: /^committee "([^"]+)" is not registered/, field: 'committee', key: 'committeeUnknown' },
  { re: /^studio "([^"]+)" is not licensed/, field: 'studio', key: 'studioUnknown' },
  { re: /^studio "([^"]+)" is suspended/, field: 'studio', key: 'studioSuspended' },
  { re: /^studio "([^"]+)" is revoked/, field: 'studio', key: 'studioRevoked' },
  { re: /^case "([^"]+)" is not open in studio "([^"]+)"/, field: 'case', key: 'caseNotOpen' },
  { re: /^suggestion "([^"]+)" is not submitted and not yet adopted/, field: 'suggestion', key: 'suggestionNotOpen' },
  { re: /^finding "([^"]+)" is not open in studio "([^"]+)"/, field: 'finding', key: 'findingNotOpen' },
  { re: /^(case|suggestion|finding|rule|visit) "([^"]+)" is already used/, field: 1, key: 'idUsed' },
  { re: /^(member|committee|studio) "([^"]+)" is already registered/, field: 1, key: 'idRegistered' },
  { re: /registry events are corrected, never retracted/, field: 'reason', key: 'registryRetract' },
  { re: /already retracted|is retracted/, field: 'reason', key: 'alreadyRetracted' },
  { re: /depends on it|has a (resolution|adoption|rectification)|cannot be retracted/, field: 'reason', key: 'dependent' },
];

// Field names the server uses that a form shows under another name.
export const FIELD_ALIASES = { data: 'data', target: 'reason' };
