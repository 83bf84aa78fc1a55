// Draws the tab bar's icons (src/assets/tab-bar/*.png): the mini-program's tabBar takes PNG/JPG files only
// (no SVG, at most 40 KB each), 81×81 px as WeChat recommends. Line icons in the tab bar's two colours
// (app.config.ts), antialiased by 4×4 supersampling. Run after changing a shape:
//   node --import tsx miniapp/scripts/draw-tab-icons.ts
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const SIZE = 81;
const SUPERSAMPLING = 4;
/** Stroke width as a fraction of the icon. */
const STROKE = 0.075;
const COLOURS = { idle: [0x66, 0x66, 0x66], active: [0xe4, 0x39, 0x3c] } as const;

type Point = readonly [number, number];
/** Distance from a point to the shape's outline (strokes) or a negative value inside it (fills), in icon units. */
type Shape = (x: number, y: number) => number;

function distanceToSegment([x, y]: Point, [ax, ay]: Point, [bx, by]: Point): number {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(x - (ax + t * dx), y - (ay + t * dy));
}

function polyline(...points: Point[]): Shape {
  return (x, y) => {
    let nearest = Infinity;
    for (let i = 1; i < points.length; i += 1) nearest = Math.min(nearest, distanceToSegment([x, y], points[i - 1]!, points[i]!));
    return nearest - STROKE / 2;
  };
}

function ring(cx: number, cy: number, radius: number): Shape {
  return (x, y) => Math.abs(Math.hypot(x - cx, y - cy) - radius) - STROKE / 2;
}

function disc(cx: number, cy: number, radius: number): Shape {
  return (x, y) => Math.hypot(x - cx, y - cy) - radius;
}

/** The outline of a rounded square from (left, top) with the given side. */
function roundedSquare(left: number, top: number, side: number, corner: number): Shape {
  const half = side / 2;
  const cx = left + half;
  const cy = top + half;
  return (x, y) => {
    const qx = Math.abs(x - cx) - half + corner;
    const qy = Math.abs(y - cy) - half + corner;
    const signed = Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - corner;
    return Math.abs(signed) - STROKE / 2;
  };
}

/** The upper half of a circle, as a polyline. */
function upperArc(cx: number, cy: number, radius: number): Shape {
  const points: Point[] = [];
  for (let step = 0; step <= 32; step += 1) {
    const angle = Math.PI + (step / 32) * Math.PI;
    points.push([cx + radius * Math.cos(angle), cy + radius * Math.sin(angle)]);
  }
  return polyline(...points);
}

const ICONS: Record<string, Shape[]> = {
  home: [
    polyline([0.1, 0.48], [0.5, 0.13], [0.9, 0.48]),
    polyline([0.22, 0.4], [0.22, 0.86], [0.78, 0.86], [0.78, 0.4]),
    polyline([0.42, 0.86], [0.42, 0.64], [0.58, 0.64], [0.58, 0.86]),
  ],
  category: [
    roundedSquare(0.13, 0.13, 0.31, 0.07),
    roundedSquare(0.56, 0.13, 0.31, 0.07),
    roundedSquare(0.13, 0.56, 0.31, 0.07),
    roundedSquare(0.56, 0.56, 0.31, 0.07),
  ],
  cart: [
    polyline([0.07, 0.18], [0.2, 0.18], [0.31, 0.66], [0.8, 0.66]),
    polyline([0.24, 0.31], [0.9, 0.31], [0.82, 0.54], [0.28, 0.54]),
    disc(0.36, 0.81, 0.065),
    disc(0.74, 0.81, 0.065),
  ],
  profile: [ring(0.5, 0.33, 0.17), upperArc(0.5, 0.9, 0.33)],
};

function coverage(shapes: Shape[], px: number, py: number): number {
  let covered = 0;
  for (let sy = 0; sy < SUPERSAMPLING; sy += 1) {
    for (let sx = 0; sx < SUPERSAMPLING; sx += 1) {
      const x = (px + (sx + 0.5) / SUPERSAMPLING) / SIZE;
      const y = (py + (sy + 0.5) / SUPERSAMPLING) / SIZE;
      if (shapes.some((shape) => shape(x, y) <= 0)) covered += 1;
    }
  }
  return covered / SUPERSAMPLING ** 2;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

/** An RGBA PNG: each row is filter byte 0 followed by the row's pixels. */
function png(shapes: Shape[], [red, green, blue]: readonly number[]): Buffer {
  const rows = Buffer.alloc(SIZE * (1 + SIZE * 4));
  for (let py = 0; py < SIZE; py += 1) {
    const rowStart = py * (1 + SIZE * 4);
    for (let px = 0; px < SIZE; px += 1) {
      const offset = rowStart + 1 + px * 4;
      rows[offset] = red!;
      rows[offset + 1] = green!;
      rows[offset + 2] = blue!;
      rows[offset + 3] = Math.round(coverage(shapes, px, py) * 255);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(SIZE, 0);
  header.writeUInt32BE(SIZE, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8 bits per channel, RGBA, deflate, no filter method, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const outputDir = path.resolve(__dirname, '../src/assets/tab-bar');
fs.mkdirSync(outputDir, { recursive: true });
for (const [name, shapes] of Object.entries(ICONS)) {
  fs.writeFileSync(path.join(outputDir, `${name}.png`), png(shapes, COLOURS.idle));
  fs.writeFileSync(path.join(outputDir, `${name}-active.png`), png(shapes, COLOURS.active));
}
process.stdout.write(`drew ${Object.keys(ICONS).length * 2} tab bar icons into ${path.relative(process.cwd(), outputDir)}\n`);
