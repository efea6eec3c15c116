// Live updates: one EventSource on /v1/events/live while signed in. Pages register a
// reload function with useLive(); it runs on mount and, debounced, after new events
// commit, with the newest seq so that the views include them (?minSeq=).
import { onMounted, onBeforeUnmount, ref } from 'vue';
import { store } from './store.js';

let source = null;
const listeners = new Set();

export const liveState = ref('off'); // off | connecting | open

export function startLive(fromSeq) {
  stopLive();
  const from = fromSeq ? `?from=${fromSeq}` : '';
  liveState.value = 'connecting';
  source = new EventSource(`/v1/events/live${from}`, { withCredentials: true });
  source.onopen = () => (liveState.value = 'open');
  source.onerror = () => (liveState.value = 'connecting');
  source.addEventListener('event', (e) => {
    let seq = Number(e.lastEventId);
    if (!seq) {
      try {
        seq = JSON.parse(e.data).seq;
      } catch {
        return;
      }
    }
    if (seq > store.seq) store.seq = seq;
    for (const fn of listeners) fn(seq);
  });
}

export function stopLive() {
  if (source) source.close();
  source = null;
  liveState.value = 'off';
}

export function onLiveEvent(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

// load(minSeq) runs on mount (minSeq undefined) and after new events (debounced ~200 ms).
export function useLive(load, delay = 200) {
  let timer = null;
  let off = null;
  onMounted(() => {
    load();
    off = onLiveEvent(() => {
      clearTimeout(timer);
      timer = setTimeout(() => load(store.seq), delay);
    });
  });
  onBeforeUnmount(() => {
    clearTimeout(timer);
    if (off) off();
  });
}
