import { createRouter, createWebHistory } from 'vue-router';
import { store, loadSession, homeFor, READERS } from './store.js';

const ALL = ['recorder', ...READERS];
const WRITERS_SUPERVISION = ['supervisor', 'admin'];

// meta.roles: who may open the page; meta.bare: no navigation chrome (print views).
const routes = [
  { path: '/login', name: 'login', component: () => import('./views/LoginView.vue'), meta: { public: true, bare: true } },
  { path: '/', name: 'overview', component: () => import('./views/OverviewView.vue'), meta: { roles: READERS } },
  { path: '/studios', name: 'studios', component: () => import('./views/StudiosView.vue'), meta: { roles: ALL } },
  { path: '/studios/:id', name: 'studio', component: () => import('./views/StudioView.vue'), meta: { roles: ALL } },
  { path: '/members', name: 'members', component: () => import('./views/MembersView.vue'), meta: { roles: READERS } },
  { path: '/members/:id', name: 'member', component: () => import('./views/MemberView.vue'), meta: { roles: READERS } },
  { path: '/members/:id/print', name: 'member-print', component: () => import('./views/MemberPrintView.vue'), meta: { roles: READERS, bare: true } },
  { path: '/committees', name: 'committees', component: () => import('./views/CommitteesView.vue'), meta: { roles: READERS } },
  { path: '/committees/:id', name: 'committee', component: () => import('./views/CommitteeView.vue'), meta: { roles: READERS } },
  { path: '/reports', name: 'reports', component: () => import('./views/ReportsView.vue'), meta: { roles: READERS } },
  { path: '/audit', name: 'audit', component: () => import('./views/AuditView.vue'), meta: { roles: READERS } },
  { path: '/record', name: 'record', component: () => import('./views/RecordView.vue'), meta: { roles: ['recorder'] } },
  { path: '/supervision', name: 'supervision', component: () => import('./views/SupervisionView.vue'), meta: { roles: WRITERS_SUPERVISION } },
  { path: '/admin', name: 'admin', component: () => import('./views/AdminView.vue'), meta: { roles: ['admin'] } },
  { path: '/:rest(.*)*', name: 'not-found', component: () => import('./views/NotFoundView.vue') },
];

export const router = createRouter({
  history: createWebHistory(),
  routes,
  scrollBehavior: () => ({ top: 0 }),
});

router.beforeEach(async (to) => {
  if (!store.checked) await loadSession();
  if (to.meta.public) return store.user && to.name === 'login' ? homeFor() : true;
  if (!store.user) return { name: 'login', query: to.fullPath !== '/' ? { next: to.fullPath } : {} };
  if (to.name === 'overview' && !READERS.includes(store.user.role)) return homeFor();
  return true;
});

// Role menus: the pages each role sees in the navigation.
export const MENU = [
  { name: 'overview', path: '/', roles: READERS, icon: '▦' },
  { name: 'studios', path: '/studios', roles: ALL, icon: '⌂' },
  { name: 'members', path: '/members', roles: READERS, icon: '☺' },
  { name: 'committees', path: '/committees', roles: READERS, icon: '◈' },
  { name: 'record', path: '/record', roles: ['recorder'], icon: '✎' },
  { name: 'supervision', path: '/supervision', roles: WRITERS_SUPERVISION, icon: '✔' },
  { name: 'reports', path: '/reports', roles: READERS, icon: '⎙' },
  { name: 'audit', path: '/audit', roles: READERS, icon: '⚿' },
  { name: 'admin', path: '/admin', roles: ['admin'], icon: '⚙' },
];
