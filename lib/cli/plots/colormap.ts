/**
 * Viridis (van der Walt & Smith, matplotlib 2015): perceptually uniform, readable in grey and
 * by colour-blind readers. Sampled at 11 points and interpolated linearly in sRGB.
 */
export const VIRIDIS = [
  '#440154', '#482475', '#414487', '#355f8d', '#2a788e', '#21918c',
  '#22a884', '#44bf70', '#7ad151', '#bddf26', '#fde725',
];

const RGB = VIRIDIS.map((h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)));

/** The colour at u ∈ [0, 1] (clamped), as #rrggbb. */
export function viridis(u: number): string {
  const v = Math.min(1, Math.max(0, Number.isFinite(u) ? u : 0)) * (RGB.length - 1);
  const i = Math.min(RGB.length - 2, Math.floor(v)), f = v - i;
  let hex = '#';
  for (let k = 0; k < 3; k++) {
    const c = Math.round(RGB[i][k] + (RGB[i + 1][k] - RGB[i][k]) * f);
    hex += c.toString(16).padStart(2, '0');
  }
  return hex;
}
