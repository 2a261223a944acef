// camera.js — the camera as a plain value that render.js draws with:
// { zoom, cx, cy } pan and zoom a 2-D map, { yaw, pitch, dist } orbit a 3-D
// one.  Every motion returns a new view; the store holds the current one.

export const DEFAULT_VIEW = Object.freeze({ zoom: 1, cx: 0, cy: 0, yaw: 0.6, pitch: 0.4, dist: 3 });
const MIN_ZOOM = 0.2, MAX_ZOOM = 500;
const MAX_PITCH = 1.5; // just short of straight down or up, where yaw would flip
const ORBIT_PER_PIXEL = 0.01; // radians
const ZOOM_PER_WHEEL_UNIT = 0.0015;
const CENTRED_ZOOM = 4; // flying to a point zooms in at least this far

const clamp = (x, lo, hi) => Math.max(lo, Math.min(hi, x));

// a drag of (dx, dy) pixels on a width x height canvas: pans a 2-D map
// (the map under the mouse follows it), orbits a 3-D one
export function dragged(view, dims, dx, dy, width, height) {
  if (dims < 3) {
    const s = 2 / (Math.min(width, height) * 0.95 * view.zoom); // render.js: [-1, 1] fills 95% of the short side
    return { ...view, cx: view.cx - dx * s, cy: view.cy + dy * s };
  }
  return { ...view, yaw: view.yaw + dx * ORBIT_PER_PIXEL,
    pitch: clamp(view.pitch + dy * ORBIT_PER_PIXEL, -MAX_PITCH, MAX_PITCH) };
}

// a wheel turn of deltaY (positive: away from the user, zooms out)
export function zoomed(view, deltaY) {
  return { ...view, zoom: clamp(view.zoom * Math.exp(-deltaY * ZOOM_PER_WHEEL_UNIT), MIN_ZOOM, MAX_ZOOM) };
}

// centred on the map position (x, y), zoomed in; a 3-D view is left as it is
export function centredOn(view, dims, x, y) {
  if (dims >= 3) return view;
  return { ...view, cx: x, cy: y, zoom: Math.max(view.zoom, CENTRED_ZOOM) };
}
