// The people the tests sign in as, and the report they download.
export const PASSWORD = 'pw-secret-1';
export const PEOPLE = [
  { login: 'duda', role: 'supervisor', name: '督导甲', password: PASSWORD },
  { login: 'shenji', role: 'auditor', name: '审计乙', password: PASSWORD },
  { login: 'guanli', role: 'admin', name: '管理丙', password: PASSWORD },
  { login: 'jilu1', role: 'recorder', name: '记录员一', studios: ['S01'], password: PASSWORD },
  { login: 'jilu2', role: 'recorder', name: '记录员二', studios: ['S02'], password: PASSWORD },
];
export const person = (role, studio) => PEOPLE.find((p) => p.role === role && (!studio || p.studios?.includes(studio)));

export const REPORT = { asOf: '2026-06-30T23:59:59+08:00', axis: 'recorded', formats: ['json', 'md', 'csv', 'html', 'xlsx'] };
