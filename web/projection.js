// projection.js — projections are jobs on the server; their progress streams
// in (server-sent events) and each new version of the coordinates is fetched
// as raw float32 into the store.
import { api } from './api.js';
import { DEFAULT_VIEW } from './camera.js';
import { showError } from './state.js';

let events = null; // the current job's event stream: one at a time

export function stopFollowing() {
  if (events) events.close();
  events = null;
}

const isFinal = (s) => s.state !== 'running' && s.state !== 'queued';

export async function runProjection(store, params) {
  const { d } = store.state;
  const job = await api.submit(d, params);
  store.set({ job, jobVersion: -1, quality: null, mapOverlap: null,
    progress: { status: null, params, finished: false, lost: false } });
  follow(store, job, d, params);
}

function follow(store, job, d, params) {
  const gone = () => store.state.job !== job || store.state.d !== d;
  const progress = (patch) => store.set({ progress: { ...store.state.progress, ...patch } });
  stopFollowing(); // the last job's stream, if it still runs
  const stream = events = api.events(job);
  let latest = 0, fetching = false, final = null;
  // one download at a time, always of the newest version: a slow
  // connection skips intermediate maps instead of queueing them
  async function pull() {
    if (fetching) return;
    fetching = true;
    try {
      while (!gone() && latest > 0 && latest > store.state.jobVersion) { // version 0: nothing published yet
        const c = await api.coords(job);
        if (gone()) return;
        const first = store.state.jobVersion < 0; // a new map: a fresh camera, or the one a shared link carries
        store.set({ jobVersion: c.version, coords: { data: c.data, dims: c.dims, method: params.method },
          ...(first && { view: { ...DEFAULT_VIEW, ...store.state.pendingView }, pendingView: null }) });
      }
    } catch (e) {
      showError(store, e);
    } finally {
      fetching = false;
    }
    if (final && !gone()) finish(store, job, final);
  }
  stream.onmessage = (e) => {
    if (gone()) return stream.close();
    const s = JSON.parse(e.data);
    latest = Math.max(latest, s.version);
    if (isFinal(s)) {
      stream.close(); // or the browser would reconnect
      final = s;
    }
    progress({ status: s });
    pull();
  };
  stream.onerror = () => { // the browser retries by itself unless the stream is closed for good
    if (stream.readyState === EventSource.CLOSED && !final && !gone()) progress({ lost: true });
  };
}

// the job ended and its last coordinates are in: its measures
function finish(store, job, s) {
  if (store.state.progress.finished) return;
  store.set({ progress: { ...store.state.progress, status: s, finished: true },
    quality: s.quality ? { ...s.quality, method: s.method, dims: s.dims } : null });
  if (s.overlap) {
    api.mapOverlap(job).then((o) => {
      if (store.state.job === job) store.set({ mapOverlap: o.pairs });
    }).catch((e) => showError(store, e));
  }
}
