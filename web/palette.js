// palette.js — colours: classes (Tableau's 10, or 20, for few classes;
// golden-angle hues beyond; one grey for points without a class) and the ramp
// of numeric columns.  The class colours are the ones the C report draws too:
// cmake/palette_header.cmake copies the constants below into a C header for
// src/report/draw.c (keep each `export const NAME = VALUE;` in that form), and
// tests/web/palette.test.mjs checks that both sides give the same colours.

export const TABLEAU10 = [0x4e79a7, 0xf28e2b, 0xe15759, 0x76b7b2, 0x59a14f, 0xedc948, 0xb07aa1, 0xff9da7, 0x9c755f,
  0xbab0ac];
export const TABLEAU20 = [0x4e79a7, 0xa0cbe8, 0xf28e2b, 0xffbe7d, 0x59a14f, 0x8cd17d, 0xb6992d, 0xf1ce63, 0x499894,
  0x86bcb6, 0xe15759, 0xff9d9a, 0x79706e, 0xbab0ac, 0xd37295, 0xfabfd2, 0xb07aa1, 0xd4a6c8, 0x9d7660, 0xd7b5a6];
export const NO_CLASS = 0x9a9a9a;
// beyond 20 classes: each hue the golden angle from the last (neighbours in
// class order never look alike), lightness alternating between two levels
export const GOLDEN_ANGLE_DEGREES = 137.508;
export const HUE_SATURATION = 0.65;
export const LIGHTNESS_EVEN = 0.58;
export const LIGHTNESS_ODD = 0.42;

const rgbOf = (v) => [(v >> 16) & 255, (v >> 8) & 255, v & 255];

// CSS's HSL to RGB (hue in degrees, saturation and lightness in [0, 1]), 0..255
function hslToRgb(hue, s, l) {
  const k = (n) => (n + hue / 30) % 12;
  const f = (n) => l - s * Math.min(l, 1 - l) * Math.max(-1, Math.min(k(n) - 3, 9 - k(n), 1));
  return [f(0) * 255, f(8) * 255, f(4) * 255];
}

// [r, g, b] in 0..255 of class c of n; c < 0: the point has no class
export function classColour(c, n) {
  if (c < 0) return rgbOf(NO_CLASS);
  if (n <= 10) return rgbOf(TABLEAU10[c]);
  if (n <= 20) return rgbOf(TABLEAU20[c]);
  return hslToRgb((c * GOLDEN_ANGLE_DEGREES) % 360, HUE_SATURATION, c % 2 ? LIGHTNESS_ODD : LIGHTNESS_EVEN);
}

// [r, g, b] of t in [0, 1] (clamped) on a viridis-like ramp
const RAMP = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
export function rampColour(t) {
  const x = Math.max(0, Math.min(1, t)) * (RAMP.length - 1), i = Math.min(RAMP.length - 2, Math.floor(x)), u = x - i;
  return RAMP[i].map((v, j) => v + (RAMP[i + 1][j] - v) * u);
}

export const cssColour = ([r, g, b]) => `rgb(${r},${g},${b})`;
