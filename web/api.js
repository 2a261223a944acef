// api.js — the data source: every request the viewer makes to `embview serve`.

async function json(url, options) {
  const r = await fetch(url, options);
  const body = await r.json();
  if (!r.ok) throw new Error(body.error || `${r.status} ${url}`);
  return body;
}

export const api = {
  datasets: () => json('/api/datasets').then((b) => b.datasets),
  metadata: (d) => json(`/api/datasets/${d}/metadata`).then((b) => b.columns),
  analysis: (d) => json(`/api/datasets/${d}/analysis`).catch(() => null),
  neighbors: (d, i, k = 10, metric = 'euclidean') =>
    json(`/api/datasets/${d}/neighbors?i=${i}&k=${k}&metric=${metric}`),
  thumbUrl: (d, i) => `/api/datasets/${d}/thumb?i=${i}`,
  submit: (d, params) => json(`/api/datasets/${d}/projections?${new URLSearchParams(params)}`, { method: 'POST' })
    .then((b) => b.job),
  // server-sent events: the job's status at each change until it ends
  events: (j) => new EventSource(`/api/jobs/${j}/events`),
  cancel: (j) => json(`/api/jobs/${j}/cancel`, { method: 'POST' }),
  // the class pairs' overlap on a finished map, with the verdict (real, map artefact, hidden)
  mapOverlap: (j) => json(`/api/jobs/${j}/overlap`),
  // raw little-endian float32, n x dims
  async coords(j) {
    const r = await fetch(`/api/jobs/${j}/coords`);
    if (!r.ok) throw new Error(`coordinates of job ${j}: ${r.status}`);
    return { dims: Number(r.headers.get('X-Embview-Dims')), version: Number(r.headers.get('X-Embview-Version')),
      data: new Float32Array(await r.arrayBuffer()) };
  },
};
