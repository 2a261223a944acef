// state.js — every key the viewer's store holds, and what it means.
import { DEFAULT_VIEW } from './camera.js';

// url: readUrlState's result, the state a link asks for
export function initialState(url) {
  return {
    // the server's data
    datasets: [],        // [{ name, points, dims, label_column, thumbnails, analysis }]
    d: url.d,            // the open dataset
    columns: [],         // its metadata columns (columns.js)
    analysis: null,      // its class overlaps and suspect labels; null without labels
    // the projection
    method: url.method,  // the projection form's method and dimensions
    dims: url.dims,
    job: -1,             // the server's job behind the map
    jobVersion: -1,      // the version of its coordinates shown; -1 before the first
    progress: null,      // that job: { status (its latest event), params, finished, lost (the stream) }
    coords: null,        // the latest coordinates: { data, dims, method }
    quality: null,       // the finished map's quality measures
    mapOverlap: null,    // the finished map's class-pair overlaps, each with its verdict
    // the camera
    view: DEFAULT_VIEW,  // camera.js
    pendingView: url.view, // a link's camera, for the first map to arrive
    pointSize: 3,
    // colours and emphasis
    colorBy: -1,         // column index, -1: none
    labelBy: -1,         // the column drawn as text beside emphasised points
    hidden: new Set(),   // class codes of the colour column not drawn
    highlight: null,     // Set of points emphasised (the inspected neighbourhood, a class pair)
    search: null,        // Set of points the search matches
    searchError: null,   // why the search text is no search
    selection: null,     // Set of points chosen by a box or lasso
    isolated: false,     // only the selection is drawn
    // points
    hover: null,         // { i, x, y }: the point under the mouse, at canvas pixel (x, y)
    selected: -1,        // the inspected point
    neighbours: null,    // its neighbours: { i, neighbors, label_counts } from the server
    metric: 'euclidean', // the inspector's neighbour distance
    review: new Map(),   // point -> corrected label
    error: null,         // the last failure's message
  };
}

// a failure, shown in the map's corner
export const showError = (store, e) => store.set({ error: e.message });
