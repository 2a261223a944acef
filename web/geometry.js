// geometry.js — the selection tools' shapes, each a test of whether a point
// (canvas pixels) lies inside.

// the rectangle between two corners, edges included
export function inBox(x0, y0, x1, y1) {
  const [ax, bx] = [Math.min(x0, x1), Math.max(x0, x1)], [ay, by] = [Math.min(y0, y1), Math.max(y0, y1)];
  return (x, y) => x >= ax && x <= bx && y >= ay && y <= by;
}

// a polygon ([x, y] corners, closed implicitly) by the even-odd rule: a ray to
// the right crosses the outline an odd number of times from inside
export function inPolygon(poly) {
  return (x, y) => {
    let inside = false;
    for (let a = 0, b = poly.length - 1; a < poly.length; b = a++) {
      const [xa, ya] = poly[a], [xb, yb] = poly[b];
      if ((ya > y) !== (yb > y) && x < (xb - xa) * (y - ya) / (yb - ya) + xa) inside = !inside;
    }
    return inside;
  };
}
