// The page's status line and its error box.
import { $ } from './state';

export function setStatus(s: string): void {
  $('status').textContent = s;
}

export function showError(s: string): void {
  $('errors').textContent = s;
}
