// The decision-region grid (RGBA from Rust, n × n) scaled onto a canvas over white;
// the callers draw their test points on the returned context.
const picture = document.createElement('canvas');

export function paintRegions(canvas, r) {
  const ctx = canvas.getContext('2d');
  picture.width = r.n;
  picture.height = r.n;
  picture.getContext('2d').putImageData(new ImageData(r.rgba, r.n, r.n), 0, 0);
  const { width: w, height: h } = canvas;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, w, h);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(picture, 0, 0, w, h);
  return { ctx, w, h };
}
