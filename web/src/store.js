// Who is signed in, the ledger's policy, and the registry lists that many pages name
// things from (studios, members, committees).
import { reactive } from 'vue';
import { api, setCsrf } from './api.js';

export const store = reactive({
  user: null, // {login, name, role, studios, csrf}
  checked: false, // the session has been asked for once
  policy: null,
  studios: [],
  members: [],
  committees: [],
  seq: 0, // the newest event seq this page knows about
});

export const READERS = ['supervisor', 'auditor', 'admin'];

export function isReader(user = store.user) {
  return !!user && READERS.includes(user.role);
}

export function homeFor(user = store.user) {
  if (!user) return '/login';
  if (user.role === 'recorder') return user.studios?.length ? `/studios/${user.studios[0]}` : '/studios';
  return '/';
}

// May this person see the studio's pages?
export function canSeeStudio(id, user = store.user) {
  if (!user) return false;
  return user.role !== 'recorder' || (user.studios || []).includes(id);
}

function setUser(user) {
  store.user = user;
  setCsrf(user?.csrf);
}

export async function loadSession() {
  try {
    setUser(await api.session());
  } catch {
    setUser(null);
  }
  store.checked = true;
  return store.user;
}

export async function signIn(login, password) {
  setUser(await api.signIn(login, password));
  store.checked = true;
  return store.user;
}

export async function signOut() {
  try {
    await api.signOut();
  } finally {
    forget();
  }
}

// Drops what belonged to the session (after sign-out or a 401).
export function forget() {
  setUser(null);
  store.policy = null;
  store.studios = [];
  store.members = [];
  store.committees = [];
}

export function noteSeq(asOf) {
  if (asOf && asOf.seq > store.seq) store.seq = asOf.seq;
}

// The shared lists; minSeq makes them include a just-committed event. A list that cannot
// be loaded stays as it was (pages show their own errors).
export async function loadRegistry(minSeq) {
  const [policy, studios, members, committees] = await Promise.allSettled([
    store.policy ? Promise.resolve(store.policy) : api.policy(),
    api.studios(minSeq),
    api.members(minSeq),
    api.committees(minSeq),
  ]);
  if (policy.status === 'fulfilled') store.policy = policy.value;
  if (studios.status === 'fulfilled') {
    store.studios = studios.value;
    for (const s of studios.value) noteSeq(s.asOf);
  }
  if (members.status === 'fulfilled') store.members = members.value;
  if (committees.status === 'fulfilled') store.committees = committees.value;
}

export function studioName(id) {
  return store.studios.find((s) => s.id === id)?.name || id;
}
export function memberName(id) {
  return store.members.find((m) => m.id === id)?.name || id;
}
export function committeeName(id) {
  return store.committees.find((c) => c.id === id)?.name || id;
}
