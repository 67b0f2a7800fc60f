// Draws decoded frames on a canvas, in the cheapest way the browser offers:
//   frame  a 2D canvas drawing VideoFrames: the browser converts YUV to RGB
//          itself (on the GPU, or with its SIMD code where there is none);
//          packed I420 from our own decoder is wrapped in a VideoFrame first
//   webgl  where VideoFrame is missing: the YUV→RGB conversion in a fragment
//          shader (three single-channel textures)
//   2d     without either: a 2D canvas, converted in JS
// Frames the browser decoded itself (VideoFrame) never pass through JavaScript.

const VERTEX = `
attribute vec2 pos;
varying vec2 uv;
void main() {
  uv = vec2((pos.x + 1.0) / 2.0, (1.0 - pos.y) / 2.0);
  gl_Position = vec4(pos, 0.0, 1.0);
}`;

// BT.601 limited range, the inverse of frames.js's rgbaToI420.
const FRAGMENT = `
precision mediump float;
varying vec2 uv;
uniform sampler2D ty, tu, tv;
void main() {
  float y = 1.1644 * (texture2D(ty, uv).r - 0.0627);
  float u = texture2D(tu, uv).r - 0.5;
  float v = texture2D(tv, uv).r - 0.5;
  gl_FragColor = vec4(y + 1.5960 * v, y - 0.3918 * u - 0.8130 * v, y + 2.0172 * u, 1.0);
}`;

const FRAGMENT_RGB = `
precision mediump float;
varying vec2 uv;
uniform sampler2D rgb;
void main() { gl_FragColor = vec4(texture2D(rgb, uv).rgb, 1.0); }`;

const RGB_UNIT = 3;   // after the Y, U and V textures
/** The colour space of our pictures (camera and decoder): BT.601, limited range. */
export const BT601 = { primaries: 'smpte170m', transfer: 'smpte170m', matrix: 'smpte170m', fullRange: false };

export class I420Renderer {
  /**
   * @param {HTMLCanvasElement|OffscreenCanvas} canvas
   * @param {{mode?: 'auto'|'frame'|'webgl'|'2d'}} [opt] mode: forced (tests), or the best available
   */
  constructor(canvas, { mode = 'auto' } = {}) {
    this.canvas = canvas;
    if (mode === 'auto') mode = typeof VideoFrame !== 'undefined' ? 'frame' : 'webgl';
    if (mode === 'webgl') {
      this.gl = canvas.getContext('webgl', { antialias: false, preserveDrawingBuffer: true });
      if (this.gl && !this._initGl()) this.gl = null;
      if (!this.gl) mode = '2d';
    }
    this.mode = mode;
    if (!this.gl) this.ctx = canvas.getContext('2d', { alpha: false });
  }

  // Both programs share the quad at attribute 0; each draw picks its own.
  _program(fragment) {
    const gl = this.gl;
    const shader = (type, src) => {
      const s = gl.createShader(type);
      gl.shaderSource(s, src);
      gl.compileShader(s);
      return gl.getShaderParameter(s, gl.COMPILE_STATUS) ? s : null;
    };
    const vs = shader(gl.VERTEX_SHADER, VERTEX), fs = shader(gl.FRAGMENT_SHADER, fragment);
    if (!vs || !fs) return null;
    const prog = gl.createProgram();
    gl.attachShader(prog, vs);
    gl.attachShader(prog, fs);
    gl.bindAttribLocation(prog, 0, 'pos');
    gl.linkProgram(prog);
    return gl.getProgramParameter(prog, gl.LINK_STATUS) ? prog : null;
  }

  _texture(unit) {
    const gl = this.gl, t = gl.createTexture();
    gl.activeTexture(gl.TEXTURE0 + unit);
    gl.bindTexture(gl.TEXTURE_2D, t);
    for (const p of [gl.TEXTURE_MIN_FILTER, gl.TEXTURE_MAG_FILTER]) gl.texParameteri(gl.TEXTURE_2D, p, gl.LINEAR);
    for (const p of [gl.TEXTURE_WRAP_S, gl.TEXTURE_WRAP_T]) gl.texParameteri(gl.TEXTURE_2D, p, gl.CLAMP_TO_EDGE);
    return t;
  }

  _initGl() {
    const gl = this.gl;
    const prog = this._program(FRAGMENT), rgb = this._program(FRAGMENT_RGB);
    if (!prog || !rgb) return false;
    this.yuv = prog;
    this.rgb = rgb;
    gl.useProgram(rgb);
    this.rgbTex = this._texture(RGB_UNIT);
    gl.uniform1i(gl.getUniformLocation(rgb, 'rgb'), RGB_UNIT);
    gl.useProgram(prog);
    const buf = gl.createBuffer();
    gl.bindBuffer(gl.ARRAY_BUFFER, buf);
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1, 1, 1]), gl.STATIC_DRAW);
    gl.enableVertexAttribArray(0);
    gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
    this.tex = ['ty', 'tu', 'tv'].map((name, i) => {
      const t = this._texture(i);
      gl.uniform1i(gl.getUniformLocation(prog, name), i);
      return t;
    });
    gl.pixelStorei(gl.UNPACK_ALIGNMENT, 1);
    return true;
  }

  /** Draws a VideoFrame (resizing the canvas to its display size) and closes it. */
  drawFrame(frame) {
    try {
      const w = frame.displayWidth, h = frame.displayHeight;
      if (this.canvas.width !== w || this.canvas.height !== h) {
        this.canvas.width = w;
        this.canvas.height = h;
      }
      if (!this.gl) {
        this.ctx.drawImage(frame, 0, 0, w, h);
        return;
      }
      const gl = this.gl;
      gl.useProgram(this.rgb);
      gl.activeTexture(gl.TEXTURE0 + RGB_UNIT);
      gl.bindTexture(gl.TEXTURE_2D, this.rgbTex);
      gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, gl.RGBA, gl.UNSIGNED_BYTE, frame);
      gl.viewport(0, 0, w, h);
      gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    } finally {
      frame.close();
    }
  }

  /** Draws a packed I420 frame of w x h, resizing the canvas to match. */
  draw(i420, w, h) {
    if (this.canvas.width !== w || this.canvas.height !== h) {
      this.canvas.width = w;
      this.canvas.height = h;
    }
    if (this.gl) return this._drawGl(i420, w, h);
    if (this.mode === 'frame') return this._drawI420Frame(i420, w, h);
    return this._draw2d(i420, w, h);
  }

  _drawI420Frame(i420, w, h) {
    const frame = new VideoFrame(i420, { format: 'I420', codedWidth: w, codedHeight: h, timestamp: 0, colorSpace: BT601 });
    this.drawFrame(frame);
  }

  _drawGl(i420, w, h) {
    const gl = this.gl;
    gl.useProgram(this.yuv);
    const planes = [[0, w, h], [w * h, w / 2, h / 2], [w * h * 5 / 4, w / 2, h / 2]];
    planes.forEach(([off, pw, ph], i) => {
      gl.activeTexture(gl.TEXTURE0 + i);
      gl.bindTexture(gl.TEXTURE_2D, this.tex[i]);
      gl.texImage2D(gl.TEXTURE_2D, 0, gl.LUMINANCE, pw, ph, 0, gl.LUMINANCE, gl.UNSIGNED_BYTE,
        i420.subarray(off, off + pw * ph));
    });
    gl.viewport(0, 0, w, h);
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
  }

  _draw2d(i420, w, h) {
    if (!this.image || this.image.width !== w || this.image.height !== h) this.image = this.ctx.createImageData(w, h);
    const px = this.image.data, uOff = w * h, vOff = uOff + (w / 2) * (h / 2);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const c = (y >> 1) * (w >> 1) + (x >> 1);
        const yy = 1.1644 * (i420[y * w + x] - 16), u = i420[uOff + c] - 128, v = i420[vOff + c] - 128;
        const i = (y * w + x) * 4;
        px[i] = yy + 1.596 * v;
        px[i + 1] = yy - 0.3918 * u - 0.813 * v;
        px[i + 2] = yy + 2.0172 * u;
        px[i + 3] = 255;
      }
    }
    this.ctx.putImageData(this.image, 0, 0);
  }
}
