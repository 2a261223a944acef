// render.js — WebGL2 points: 2-D pan/zoom, 3-D orbit, and GPU picking (each
// point drawn in its own id colour into an offscreen buffer; the pixel under
// the mouse names the point).
//
// Points are drawn in a fixed random order: no class is always on top, and
// any prefix of the order is a uniform sample; emphasised points (opaque:
// the inspected point, a selection, a search) come last, on top.  That gives
// the level of detail: while the camera moves, a frame that would overrun
// its budget draws the prefix of the rest that fits (sized from the last
// full frame) and every emphasised point, and the whole map is drawn once
// the motion stops.  A GPU draws a million points inside the budget; a
// software renderer gets a fluid, sparser map.
//
// The camera (this.view, camera.js) is the viewer's: its store sets it.
import { DEFAULT_VIEW } from './camera.js';

const FRAME_BUDGET_MS = 25; // a moving camera's frame: 40 per second
const MIN_MOVING_POINTS = 20000; // below this a sample no longer shows the map's shape

const VS = `#version 300 es
in vec3 a_pos;
in vec4 a_col;
uniform mat4 u_mvp;
uniform float u_size;
uniform int u_pick;
out vec4 v_col;
void main() {
  gl_Position = u_mvp * vec4(a_pos, 1.0);
  gl_PointSize = a_col.a > 0.99 ? u_size * 1.8 : u_size; // opaque = emphasised: drawn larger
  if (u_pick == 1) {
    int id = gl_VertexID + 1;
    v_col = vec4(float(id & 255) / 255.0, float((id >> 8) & 255) / 255.0, float((id >> 16) & 255) / 255.0,
                 a_col.a > 0.0 ? 1.0 : 0.0);
  } else {
    v_col = a_col;
  }
}`;

const FS = `#version 300 es
precision highp float;
precision highp int;
in vec4 v_col;
uniform int u_pick;
out vec4 o_col;
void main() {
  float r = length(gl_PointCoord - 0.5);
  if (r > 0.5 || v_col.a == 0.0) discard;
  // a soft rim instead of multisampling, which costs several times more on software renderers
  float a = v_col.a * (1.0 - smoothstep(0.38, 0.5, r));
  o_col = u_pick == 1 ? vec4(v_col.rgb, 1.0) : vec4(v_col.rgb * a, a);
}`;

function compile(gl, type, src) {
  const s = gl.createShader(type);
  gl.shaderSource(s, src);
  gl.compileShader(s);
  if (!gl.getShaderParameter(s, gl.COMPILE_STATUS)) throw new Error(gl.getShaderInfoLog(s));
  return s;
}

// column-major 4x4 helpers
const mul = (a, b) => {
  const o = new Float32Array(16);
  for (let c = 0; c < 4; c++) for (let r = 0; r < 4; r++) {
    let s = 0;
    for (let k = 0; k < 4; k++) s += a[k * 4 + r] * b[c * 4 + k];
    o[c * 4 + r] = s;
  }
  return o;
};
const perspective = (fovy, aspect, near, far) => {
  const f = 1 / Math.tan(fovy / 2), o = new Float32Array(16);
  o[0] = f / aspect; o[5] = f; o[10] = (far + near) / (near - far); o[11] = -1; o[14] = 2 * far * near / (near - far);
  return o;
};
// a fixed pseudo-random permutation of 0..n-1 (the same for every page)
function shuffledOrder(n) {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let s = 0x9e3779b9;
  for (let i = n - 1; i > 0; i--) {
    s ^= s << 13; s ^= s >>> 17; s ^= s << 5; // xorshift32
    const j = (s >>> 0) % (i + 1), t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}

const rotation = (yaw, pitch) => {
  const cy = Math.cos(yaw), sy = Math.sin(yaw), cp = Math.cos(pitch), sp = Math.sin(pitch);
  return new Float32Array([cy, sp * sy, -cp * sy, 0, 0, cp, sp, 0, sy, -sp * cy, cp * cy, 0, 0, 0, 0, 1]);
};


// a promise, settled once the GPU has run every command issued so far: true, or
// false if the context was lost. It polls a fence between tasks (WebGL never
// lets a page block on one), so the page keeps running while the GPU works.
function gpuDone(gl) {
  const fence = gl.fenceSync(gl.SYNC_GPU_COMMANDS_COMPLETE, 0);
  gl.flush();
  return new Promise((resolve) => {
    const poll = () => {
      if (gl.isContextLost()) return resolve(false);
      const s = gl.clientWaitSync(fence, 0, 0);
      if (s === gl.WAIT_FAILED) { gl.deleteSync(fence); return resolve(false); }
      if (s === gl.TIMEOUT_EXPIRED) return setTimeout(poll, 1);
      gl.deleteSync(fence);
      resolve(true);
    };
    setTimeout(poll, 0);
  });
}

export class Renderer {
  constructor(canvas) {
    this.canvas = canvas;
    const gl = canvas.getContext('webgl2', { antialias: false, preserveDrawingBuffer: true });
    if (!gl) throw new Error('this browser has no WebGL2');
    this.gl = gl;
    const p = gl.createProgram();
    gl.attachShader(p, compile(gl, gl.VERTEX_SHADER, VS));
    gl.attachShader(p, compile(gl, gl.FRAGMENT_SHADER, FS));
    gl.linkProgram(p);
    if (!gl.getProgramParameter(p, gl.LINK_STATUS)) throw new Error(gl.getProgramInfoLog(p));
    this.prog = p;
    this.loc = { mvp: gl.getUniformLocation(p, 'u_mvp'), size: gl.getUniformLocation(p, 'u_size'),
      pick: gl.getUniformLocation(p, 'u_pick') };
    this.vao = gl.createVertexArray();
    gl.bindVertexArray(this.vao);
    this.posBuf = gl.createBuffer();
    this.colBuf = gl.createBuffer();
    const aPos = gl.getAttribLocation(p, 'a_pos'), aCol = gl.getAttribLocation(p, 'a_col');
    gl.bindBuffer(gl.ARRAY_BUFFER, this.posBuf);
    gl.enableVertexAttribArray(aPos);
    gl.vertexAttribPointer(aPos, 3, gl.FLOAT, false, 0, 0);
    gl.bindBuffer(gl.ARRAY_BUFFER, this.colBuf);
    gl.enableVertexAttribArray(aCol);
    gl.vertexAttribPointer(aCol, 4, gl.UNSIGNED_BYTE, true, 0, 0);
    this.n = 0;
    this.dims = 2;
    this.size = 3;
    this.view = DEFAULT_VIEW;
    this.pickDirty = true;
    this.order = new Uint32Array(0); // the fixed shuffled order of the points
    this.drawOrder = this.order;     // draw position k holds point drawOrder[k]: the order, emphasised last
    this.nBack = 0;                  // drawOrder[0 .. nBack) are not emphasised
    this.positions = null;           // n x 3, in point order
    this.fullMs = 0;                 // the last full frame's time, drawing included
    this.drawn = 0;                  // points in the last frame
  }

  ensureOrder(n) {
    if (this.order.length !== n) {
      this.order = shuffledOrder(n);
      this.drawOrder = this.order;
      this.nBack = n;
    }
  }

  uploadPositions() {
    const n = this.n, order = this.drawOrder, pos = this.positions, drawn = new Float32Array(n * 3);
    for (let k = 0; k < n; k++) {
      const i = order[k] * 3;
      drawn[k * 3] = pos[i];
      drawn[k * 3 + 1] = pos[i + 1];
      drawn[k * 3 + 2] = pos[i + 2];
    }
    const gl = this.gl;
    gl.bindBuffer(gl.ARRAY_BUFFER, this.posBuf);
    gl.bufferData(gl.ARRAY_BUFFER, drawn, gl.DYNAMIC_DRAW);
  }

  // positions: n x dims floats, any range: centred and scaled into [-1, 1]
  setPoints(data, dims) {
    const n = data.length / dims, pos = new Float32Array(n * 3);
    let lo = [Infinity, Infinity, Infinity], hi = [-Infinity, -Infinity, -Infinity];
    for (let i = 0; i < n; i++) for (let d = 0; d < dims; d++) {
      const v = data[i * dims + d];
      if (v < lo[d]) lo[d] = v;
      if (v > hi[d]) hi[d] = v;
    }
    let span = 0;
    for (let d = 0; d < dims; d++) span = Math.max(span, hi[d] - lo[d]);
    span = span > 0 ? span : 1;
    for (let i = 0; i < n; i++) for (let d = 0; d < dims; d++)
      pos[i * 3 + d] = 2 * (data[i * dims + d] - (lo[d] + hi[d]) / 2) / span;
    this.ensureOrder(n);
    this.n = n;
    this.dims = dims;
    this.positions = pos;
    this.uploadPositions();
    this.pickDirty = true;
  }

  // rgba: 4 bytes per point, in point order; alpha 255 = emphasised
  setColors(rgba) {
    const n = rgba.length >> 2;
    this.ensureOrder(n);
    const src = rgba.byteOffset % 4 === 0 ? new Uint32Array(rgba.buffer, rgba.byteOffset, n)
      : new Uint32Array(rgba.buffer.slice(rgba.byteOffset, rgba.byteOffset + 4 * n));
    // the draw order: the shuffled order with the emphasised points moved to the end
    const order = this.order, drawOrder = new Uint32Array(n);
    let back = 0, front = n;
    for (let k = n - 1; k >= 0; k--) if (rgba[order[k] * 4 + 3] === 255) drawOrder[--front] = order[k];
    for (let k = 0; k < n; k++) if (rgba[order[k] * 4 + 3] !== 255) drawOrder[back++] = order[k];
    const moved = this.nBack !== back || drawOrder.some((v, k) => v !== this.drawOrder[k]);
    this.drawOrder = drawOrder;
    this.nBack = back;
    if (moved && this.positions && this.positions.length === n * 3) this.uploadPositions();
    const drawn = new Uint32Array(n);
    for (let k = 0; k < n; k++) drawn[k] = src[drawOrder[k]];
    const gl = this.gl;
    gl.bindBuffer(gl.ARRAY_BUFFER, this.colBuf);
    gl.bufferData(gl.ARRAY_BUFFER, new Uint8Array(drawn.buffer), gl.DYNAMIC_DRAW);
    this.pickDirty = true;
  }

  mvp() {
    const w = this.canvas.width, h = this.canvas.height, aspect = w / h, v = this.view;
    if (this.dims < 3) {
      const sx = 0.95 * v.zoom / Math.max(aspect, 1), sy = 0.95 * v.zoom * Math.min(aspect, 1);
      return new Float32Array([sx, 0, 0, 0, 0, sy, 0, 0, 0, 0, 1, 0, -v.cx * sx, -v.cy * sy, 0, 1]);
    }
    const t = new Float32Array([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, -v.dist / v.zoom, 1]);
    return mul(perspective(0.8, aspect, 0.05, 100), mul(t, rotation(v.yaw, v.pitch)));
  }

  resize() {
    const r = this.canvas.getBoundingClientRect(), dpr = window.devicePixelRatio || 1;
    const w = Math.max(1, Math.round(r.width * dpr)), h = Math.max(1, Math.round(r.height * dpr));
    if (this.canvas.width !== w || this.canvas.height !== h) {
      this.canvas.width = w;
      this.canvas.height = h;
      this.pickDirty = true;
    }
  }

  // count: the points drawn, the first count - (n - nBack) of the rest and every emphasised one
  pass(pick, count = this.n) {
    const gl = this.gl;
    gl.viewport(0, 0, this.canvas.width, this.canvas.height);
    gl.useProgram(this.prog);
    gl.bindVertexArray(this.vao);
    gl.uniformMatrix4fv(this.loc.mvp, false, this.mvp());
    gl.uniform1f(this.loc.size, this.size * (window.devicePixelRatio || 1));
    gl.uniform1i(this.loc.pick, pick ? 1 : 0);
    if (pick) {
      gl.disable(gl.BLEND);
      gl.clearColor(0, 0, 0, 0);
    } else {
      gl.enable(gl.BLEND);
      gl.blendFunc(gl.ONE, gl.ONE_MINUS_SRC_ALPHA);
      gl.clearColor(1, 1, 1, 1);
    }
    gl.enable(gl.DEPTH_TEST);
    gl.depthFunc(gl.LEQUAL);
    gl.clear(gl.COLOR_BUFFER_BIT | gl.DEPTH_BUFFER_BIT);
    if (this.dims < 3) gl.disable(gl.DEPTH_TEST);
    const front = this.n - this.nBack;
    if (count >= this.n) {
      gl.drawArrays(gl.POINTS, 0, this.n);
    } else {
      gl.drawArrays(gl.POINTS, 0, Math.max(0, count - front));
      if (front > 0) gl.drawArrays(gl.POINTS, this.nBack, front);
    }
  }

  // moving: the camera is in motion, so a sample may stand in for the map
  draw(moving = false) {
    const t0 = performance.now();
    this.resize();
    let count = this.n;
    if (moving && this.fullMs > FRAME_BUDGET_MS)
      count = Math.min(this.n, Math.max(MIN_MOVING_POINTS + this.n - this.nBack,
        Math.floor(this.n * FRAME_BUDGET_MS / this.fullMs)));
    this.pass(false, count);
    this.drawn = count;
    if (count === this.n && !moving) // time the full frame by a fence, not a read that stalls the page
      gpuDone(this.gl).then((done) => { if (done) this.fullMs = performance.now() - t0; });
    this.pickDirty = true;
  }

  // a promise of the point under canvas pixel (x, y) in CSS pixels, or -1. The
  // pixel is read into a buffer of its own and fetched once a fence says the GPU
  // is done, so hovering never makes the page wait on the GPU.
  pick(x, y) {
    const gl = this.gl, dpr = window.devicePixelRatio || 1;
    if (!this.fbo || this.fboW !== this.canvas.width || this.fboH !== this.canvas.height) {
      if (this.fbo) { gl.deleteFramebuffer(this.fbo); gl.deleteTexture(this.fboTex); gl.deleteRenderbuffer(this.fboDepth); }
      this.fbo = gl.createFramebuffer();
      this.fboTex = gl.createTexture();
      gl.bindTexture(gl.TEXTURE_2D, this.fboTex);
      gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, this.canvas.width, this.canvas.height, 0, gl.RGBA, gl.UNSIGNED_BYTE, null);
      this.fboDepth = gl.createRenderbuffer();
      gl.bindRenderbuffer(gl.RENDERBUFFER, this.fboDepth);
      gl.renderbufferStorage(gl.RENDERBUFFER, gl.DEPTH_COMPONENT16, this.canvas.width, this.canvas.height);
      gl.bindFramebuffer(gl.FRAMEBUFFER, this.fbo);
      gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, this.fboTex, 0);
      gl.framebufferRenderbuffer(gl.FRAMEBUFFER, gl.DEPTH_ATTACHMENT, gl.RENDERBUFFER, this.fboDepth);
      this.fboW = this.canvas.width;
      this.fboH = this.canvas.height;
      this.pickDirty = true;
    }
    gl.bindFramebuffer(gl.FRAMEBUFFER, this.fbo);
    if (this.pickDirty) {
      this.pass(true);
      this.pickDirty = false;
    }
    const buf = gl.createBuffer(), order = this.drawOrder;
    gl.bindBuffer(gl.PIXEL_PACK_BUFFER, buf);
    gl.bufferData(gl.PIXEL_PACK_BUFFER, 4, gl.STREAM_READ);
    gl.readPixels(Math.round(x * dpr), this.canvas.height - 1 - Math.round(y * dpr), 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, 0);
    gl.bindBuffer(gl.PIXEL_PACK_BUFFER, null);
    gl.bindFramebuffer(gl.FRAMEBUFFER, null);
    return gpuDone(gl).then((done) => {
      const px = new Uint8Array(4);
      if (done) {
        gl.bindBuffer(gl.PIXEL_PACK_BUFFER, buf);
        gl.getBufferSubData(gl.PIXEL_PACK_BUFFER, 0, px);
        gl.bindBuffer(gl.PIXEL_PACK_BUFFER, null);
      }
      gl.deleteBuffer(buf);
      const id = px[0] | (px[1] << 8) | (px[2] << 16);
      return px[3] ? order[id - 1] : -1;
    });
  }

  // canvas CSS pixel of point i (for flying to it and placing the inspector)
  project(i) {
    const m = this.mvp(), p = this.position(i);
    const x = m[0] * p[0] + m[4] * p[1] + m[8] * p[2] + m[12], y = m[1] * p[0] + m[5] * p[1] + m[9] * p[2] + m[13];
    const w = m[3] * p[0] + m[7] * p[1] + m[11] * p[2] + m[15], r = this.canvas.getBoundingClientRect();
    return [(x / w + 1) / 2 * r.width, (1 - y / w) / 2 * r.height];
  }

  // point i's position on the map, in [-1, 1]
  position(i) {
    return this.positions.subarray(i * 3, i * 3 + 3);
  }
}
