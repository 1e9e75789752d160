// The page's status line, its error box, and what weights the maps were computed with.
import { $, state } from './state';

export function setStatus(s: string): void {
  $('status').textContent = s;
}

export function showError(s: string): void {
  $('errors').textContent = s;
}

/** Says which weights the last run used: random ones are said plainly (the maps then show the architecture, not a trained model). */
export function showWeights(random: boolean): void {
  const info = $('weights-info');
  info.dataset.weights = random ? 'random' : 'file';
  if (random) info.textContent = `Random weights (seed ${state.seed}, scaled so that activations keep their range): the maps show what the architecture does, not what a trained model sees.`;
}
