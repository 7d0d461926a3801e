import type { Preset } from '../verify/types.ts';
import { CATALOG } from './catalog.ts';

/** Every provider preset, in catalog order; `source` is unique and URL-safe (the catalog spec holds it). */
export const PRESETS: readonly Preset[] = CATALOG;

const BY_SOURCE = new Map(PRESETS.map((preset) => [preset.source, preset]));

/** The preset an inbound endpoint's `source` names, or undefined for an unknown one. */
export function presetOf(source: string): Preset | undefined {
  return BY_SOURCE.get(source);
}

export { redactSourceConfig, sourceConfigProblems } from './config.ts';
