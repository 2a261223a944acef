// address_bar.js — the state in the address bar (url_state.js), rewritten
// once changes pause, so that the URL always reopens the current view.
import { writeUrlState, withoutToken } from './url_state.js';

const QUIET_MS = 400; // a moving camera writes once it stops

// The access token reaches the page in its first URL; the server keeps it as
// a cookie from then on, so it leaves the address bar and the history.
export function dropToken() {
  const to = withoutToken(location.pathname, location.search);
  if (to !== null) history.replaceState(null, '', to);
}

export function mountAddressBar(store) {
  let timer = 0;
  const write = () => {
    const { d, columns, colorBy, selected, view, pendingView, method, dims } = store.state;
    history.replaceState(null, '', writeUrlState(location.search, { d, color: colorBy >= 0 ? columns[colorBy].name : null,
      point: selected, view: pendingView ? { ...view, ...pendingView } : view, method, dims }));
  };
  store.subscribe(['d', 'columns', 'colorBy', 'selected', 'view', 'pendingView', 'method', 'dims'], () => {
    clearTimeout(timer);
    timer = setTimeout(write, QUIET_MS);
  });
}
