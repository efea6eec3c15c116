// The kinds of event the forms make (SPEC §3.2), as field descriptors, and one-line
// descriptions of stored events for timelines.
import { formatDate } from './format.js';
import { memberName } from './store.js';

export const ENUMS = {
  channel: ['visit', 'reception', 'phone', 'online', 'platform', 'activity'],
  form: ['meeting', 'research', 'forum', 'joint'],
  caseKind: ['dispute', 'request'],
  outcome: ['resolved', 'referred', 'withdrawn'],
  suggestionChannel: ['proposal', 'opinion', 'report'],
  severity: ['low', 'medium', 'high'],
  status: ['active', 'suspended', 'revoked'],
  linkType: ['industry', 'interest', 'locality', 'professional', 'sector'],
};

// widget: text | textarea | number | enum | members | member | tags | newId | pick | date | bool | committees | committee
// source (member/pick): studioMembers | joinable | allMembers | openCases | openSuggestions | openFindings
// enum: which ENUMS list; prefix (newId): how generated ids start; optional: may be empty.
export const FORMS = {
  ContactRecorded: [
    { key: 'members', widget: 'members' },
    { key: 'channel', widget: 'enum', enum: 'channel' },
    { key: 'peopleReached', widget: 'number' },
    { key: 'topic', widget: 'text' },
  ],
  ConsultationHeld: [
    { key: 'members', widget: 'members' },
    { key: 'form', widget: 'enum', enum: 'form' },
    { key: 'partners', widget: 'tags', optional: true },
    { key: 'attendees', widget: 'number' },
    { key: 'topic', widget: 'text' },
    { key: 'outcome', widget: 'textarea' },
  ],
  CaseOpened: [
    { key: 'case', widget: 'newId', prefix: 'K' },
    { key: 'kind', widget: 'enum', enum: 'caseKind' },
    { key: 'members', widget: 'members' },
    { key: 'summary', widget: 'textarea' },
  ],
  CaseResolved: [
    { key: 'case', widget: 'pick', source: 'openCases' },
    { key: 'outcome', widget: 'enum', enum: 'outcome' },
    { key: 'summary', widget: 'textarea' },
  ],
  SuggestionSubmitted: [
    { key: 'suggestion', widget: 'newId', prefix: 'J' },
    { key: 'members', widget: 'members' },
    { key: 'title', widget: 'text' },
    { key: 'channel', widget: 'enum', enum: 'suggestionChannel' },
  ],
  SuggestionAdopted: [
    { key: 'suggestion', widget: 'pick', source: 'openSuggestions' },
    { key: 'by', widget: 'text' },
  ],
  StudioRuleAdopted: [
    { key: 'rule', widget: 'newId', prefix: 'R' },
    { key: 'title', widget: 'text' },
  ],
  MemberJoinedStudio: [{ key: 'member', widget: 'member', source: 'joinable' }],
  MemberLeftStudio: [{ key: 'member', widget: 'member', source: 'studioMembers' }],
  FindingRectified: [
    { key: 'finding', widget: 'pick', source: 'openFindings' },
    { key: 'summary', widget: 'textarea' },
  ],
  SupervisionVisited: [
    { key: 'visit', widget: 'newId', prefix: 'V' },
    { key: 'inspectors', widget: 'tags' },
    { key: 'notes', widget: 'textarea' },
  ],
  FindingRaised: [
    { key: 'finding', widget: 'newId', prefix: 'F' },
    { key: 'severity', widget: 'enum', enum: 'severity' },
    { key: 'summary', widget: 'textarea' },
    { key: 'dueOn', widget: 'date' },
  ],
  StudioStatusChanged: [
    { key: 'status', widget: 'enum', enum: 'status' },
    { key: 'reason', widget: 'textarea' },
  ],
  CommitteeRegistered: [
    { key: 'committee', widget: 'newId', prefix: 'C', plain: true },
    { key: 'name', widget: 'text' },
    { key: 'supervises', widget: 'bool' },
  ],
  MemberRegistered: [
    { key: 'member', widget: 'newId', prefix: 'M', plain: true },
    { key: 'name', widget: 'text' },
    { key: 'sector', widget: 'text' },
    { key: 'committees', widget: 'committees', optional: true },
  ],
  StudioLicensed: [
    { key: 'studio', widget: 'newId', prefix: 'S', plain: true },
    { key: 'name', widget: 'text' },
    { key: 'linkType', widget: 'enum', enum: 'linkType' },
    { key: 'leadMember', widget: 'member', source: 'allMembers' },
    { key: 'committee', widget: 'committee' },
    { key: 'partyOrg', widget: 'text' },
    { key: 'town', widget: 'text', optional: true },
    { key: 'batch', widget: 'number', min: 1 },
    { key: 'licensedOn', widget: 'date' },
  ],
};

// Event kinds whose data names a studio that the form takes from the page.
export const REGISTRY = ['CommitteeRegistered', 'MemberRegistered', 'StudioLicensed'];
export const RECORDER_KINDS = [
  'ContactRecorded', 'ConsultationHeld', 'CaseOpened', 'CaseResolved', 'SuggestionSubmitted',
  'SuggestionAdopted', 'StudioRuleAdopted', 'MemberJoinedStudio', 'MemberLeftStudio', 'FindingRectified',
];
export const SUPERVISION_KINDS = ['SupervisionVisited', 'FindingRaised', 'FindingRectified', 'StudioStatusChanged'];
// A studio's own registry, which supervisors keep too (SPEC §6.2): memberships and rules.
export const STUDIO_REGISTRY = ['MemberJoinedStudio', 'MemberLeftStudio', 'StudioRuleAdopted'];
// What a timeline offers to correct or retract.
export const CORRECTABLE = [
  'ContactRecorded', 'ConsultationHeld', 'CaseOpened', 'CaseResolved', 'SuggestionSubmitted',
  'SuggestionAdopted', 'StudioRuleAdopted', 'FindingRectified', 'SupervisionVisited', 'FindingRaised',
];
export const ACTIVITY_KINDS = ['ContactRecorded', 'ConsultationHeld', 'CaseOpened', 'CaseResolved', 'SuggestionSubmitted', 'SuggestionAdopted'];

// A fresh id for a new case, suggestion, rule …: K-20261205-1a2b.
export function newItemId(prefix, today) {
  const rand = crypto.getRandomValues(new Uint16Array(1))[0].toString(16).padStart(4, '0');
  return `${prefix}-${today.replaceAll('-', '')}-${rand}`;
}

const names = (ids) => (ids || []).map(memberName).join('、');

// One line about an event's data, in the current language.
export function describe(t, type, d) {
  if (!d) return '';
  const e = (name, v) => t(`enum.${name}.${v}`);
  switch (type) {
    case 'ContactRecorded':
      return t('describe.contact', { channel: e('channel', d.channel), members: names(d.members), people: d.peopleReached, topic: d.topic });
    case 'ConsultationHeld':
      return t('describe.consultation', { form: e('form', d.form), members: names(d.members), attendees: d.attendees, topic: d.topic, outcome: d.outcome });
    case 'CaseOpened':
      return t('describe.caseOpened', { id: d.case, kind: e('caseKind', d.kind), members: names(d.members), summary: d.summary });
    case 'CaseResolved':
      return t('describe.caseResolved', { id: d.case, outcome: e('outcome', d.outcome), summary: d.summary });
    case 'SuggestionSubmitted':
      return t('describe.suggestion', { id: d.suggestion, channel: e('suggestionChannel', d.channel), members: names(d.members), title: d.title });
    case 'SuggestionAdopted':
      return t('describe.adopted', { id: d.suggestion, by: d.by });
    case 'StudioRuleAdopted':
      return t('describe.rule', { id: d.rule, title: d.title });
    case 'MemberJoinedStudio':
    case 'MemberLeftStudio':
      return memberName(d.member);
    case 'SupervisionVisited':
      return t('describe.visit', { id: d.visit, inspectors: (d.inspectors || []).join('、'), notes: d.notes });
    case 'FindingRaised':
      return t('describe.finding', { id: d.finding, severity: e('severity', d.severity), summary: d.summary, due: formatDate(d.dueOn) });
    case 'FindingRectified':
      return t('describe.rectified', { id: d.finding, summary: d.summary });
    case 'StudioStatusChanged':
      return t('describe.status', { status: t(`status.${d.status}`), reason: d.reason });
    case 'StudioLicensed':
      return t('describe.licensed', { name: d.name, linkType: t(`linkType.${d.linkType}`), lead: memberName(d.leadMember) });
    default:
      return '';
  }
}
