// The page's status line, its error box, and what weights the maps were computed with.
import { $, page, state } from './state';

export function setStatus(s: string): void {
  $('status').textContent = s;
}

export function showError(s: string): void {
  $('errors').textContent = s;
}

const ORIGIN: Record<string, string> = { picked: '', comment: " (named in the network file's comment)", setting: ' (from the convlens.preview.weights setting)', beside: ' (found beside the network)' };

/**
 * Says which weights the last run used: the file (its name, where its tensors were, how many,
 * what was converted), or plainly that they were random, and why a file was not used.
 */
export function showWeights(random: boolean): void {
  const info = $('weights-info');
  const w = page.weightsInfo;
  const randomText = `Random weights (seed ${state.seed}, scaled so that activations keep their range): the maps show what the architecture does, not what a trained model sees.`;
  const problem = w?.problem ? `${w.name} is not used: ${w.problem}` : page.weightsProblem ? `Weights not used: ${page.weightsProblem}` : null;
  info.dataset.weights = random ? (problem ? 'refused' : 'random') : 'file';
  if (!random && w) {
    const converted = [
      ...Object.entries(w.dtypes).filter(([d]) => d !== 'float32').map(([d, n]) => `${n} ${d} converted to float32`),
      ...Object.entries(w.dequantized ?? {}).map(([d, n]) => `${n} ${d} dequantized`),
      ...(w.external?.length ? [`external data: ${w.external.join(', ')}`] : []),
    ];
    info.textContent = `Weights: ${w.name}${ORIGIN[page.weights?.origin ?? 'picked']} · ${w.source ?? ''} · ${w.tensors} tensors${converted.length ? ` · ${converted.join(', ')}` : ''}`;
  } else if (problem) info.textContent = `${problem}. ${randomText}`;
  else info.textContent = randomText;
  $('random-weights').hidden = !page.weights;
}
