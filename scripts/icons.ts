/**
 * `npm run icons`: renders public/icon.svg into public/icon/<size>.png, which WXT puts in the
 * manifest's `icons`. The PNGs are committed, so a build never needs the renderer: run this only
 * after changing the SVG. Needs `rsvg-convert` (Debian: apt-get install librsvg2-bin).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';

const ICON_SIZES = [16, 32, 48, 96, 128] as const;

const source = resolve('public/icon.svg');
const outDir = resolve('public/icon');
mkdirSync(outDir, { recursive: true });

for (const size of ICON_SIZES) {
  const out = `${outDir}/${size}.png`;
  try {
    execFileSync('rsvg-convert', ['--width', `${size}`, '--height', `${size}`, '--keep-aspect-ratio', source, '--output', out]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      console.error('rsvg-convert was not found: apt-get install librsvg2-bin (the committed PNGs are enough to build).');
      process.exit(1);
    }
    throw error;
  }
  console.log(`public/icon/${size}.png`);
}
