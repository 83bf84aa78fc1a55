import { PNG } from 'pngjs';

/**
 * Product photos for the demo shop, drawn rather than shipped: a soft two-tone background and a simple
 * motif, different for every product, so the storefront and admin look like a shop without any image
 * files in the repository. Square, as WeChat shops expect.
 */
export type Motif = 'circle' | 'rounded-square' | 'stripes' | 'diamond' | 'rings';
export const motifs: readonly Motif[] = ['circle', 'rounded-square', 'stripes', 'diamond', 'rings'];

export interface ProductImageStyle {
  /** Background and motif colours as [r, g, b]. */
  background: readonly [number, number, number];
  accent: readonly [number, number, number];
  motif: Motif;
}

/** Pastel palette pairs (background, accent) that read well behind Chinese product titles. */
const palette: readonly (readonly [readonly [number, number, number], readonly [number, number, number]])[] = [
  [
    [250, 236, 228],
    [214, 96, 77],
  ],
  [
    [231, 243, 236],
    [63, 143, 101],
  ],
  [
    [230, 238, 250],
    [66, 110, 196],
  ],
  [
    [250, 245, 225],
    [212, 160, 40],
  ],
  [
    [242, 233, 248],
    [138, 88, 180],
  ],
  [
    [236, 236, 236],
    [70, 70, 70],
  ],
];

/** The style of the `index`-th product's `variant`-th image: deterministic, so a re-seed draws the same pictures. */
export function styleFor(index: number, variant: number): ProductImageStyle {
  const [background, accent] = palette[(index + variant) % palette.length]!;
  return { background, accent, motif: motifs[(index * 2 + variant) % motifs.length]! };
}

/** Whether the pixel at (x, y) of a `size` square belongs to the motif. */
function inMotif(motif: Motif, x: number, y: number, size: number): boolean {
  const cx = x - size / 2;
  const cy = y - size / 2;
  const r = Math.hypot(cx, cy);
  switch (motif) {
    case 'circle':
      return r < size * 0.28;
    case 'rounded-square': {
      const half = size * 0.26;
      const corner = size * 0.07;
      const qx = Math.max(Math.abs(cx) - half + corner, 0);
      const qy = Math.max(Math.abs(cy) - half + corner, 0);
      return Math.hypot(qx, qy) < corner;
    }
    case 'stripes':
      return r < size * 0.34 && Math.floor((x + y) / (size * 0.06)) % 2 === 0;
    case 'diamond':
      return Math.abs(cx) + Math.abs(cy) < size * 0.3;
    case 'rings':
      return r < size * 0.34 && Math.floor(r / (size * 0.05)) % 2 === 0;
  }
}

/** A `size`×`size` PNG in the given style, with a vertical background gradient. */
export function drawProductImage(style: ProductImageStyle, size = 480): Buffer {
  const png = new PNG({ width: size, height: size, colorType: 2 });
  for (let y = 0; y < size; y += 1) {
    // 8 % darker towards the bottom: a hint of a studio backdrop.
    const shade = 1 - 0.08 * (y / size);
    for (let x = 0; x < size; x += 1) {
      const offset = (y * size + x) * 4;
      const colour = inMotif(style.motif, x, y, size) ? style.accent : style.background.map((channel) => channel * shade);
      png.data[offset] = Math.round(colour[0]!);
      png.data[offset + 1] = Math.round(colour[1]!);
      png.data[offset + 2] = Math.round(colour[2]!);
      png.data[offset + 3] = 255;
    }
  }
  return PNG.sync.write(png, { colorType: 2 });
}
