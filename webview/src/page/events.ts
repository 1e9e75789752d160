// What the user does on the page, as events: every control, tile and row reports here, and one
// handler (controller.ts) decides what follows. This keeps the page's imports one-way: the layout
// and paint modules never call back up into the modules that drive them.
import type { PageState } from '../../../protocol/preview';
import type { ChannelKey } from './state';

export type PageEvent =
  /** A section's heading: show the layer in the editor. */
  | { type: 'reveal'; layer: string }
  | { type: 'openMatrix'; index: number }
  /** A section's Mean/Channels button. */
  | { type: 'toggleView'; index: number; layer: string }
  | { type: 'savePng'; index: number }
  /** A section's pager: show page `shown` of its channels. */
  | { type: 'turnPage'; index: number; layer: string; shown: number }
  /** A click on a tile at map position (x, y). */
  | { type: 'select'; index: number; key: ChannelKey; x: number; y: number }
  /** A group of sections opened or closed by the user. */
  | { type: 'toggleGroup'; group: string; open: boolean }
  /** A row of the network strip: scroll to the layer's section (-1 the input). */
  | { type: 'goTo'; index: number }
  | { type: 'sample'; name: string }
  | { type: 'impulse' }
  | { type: 'seed'; seed: number }
  | { type: 'reseed' }
  /** A toolbar setting that only changes how the maps are painted. */
  | { type: 'setting'; key: 'norm'; value: PageState['norm'] }
  | { type: 'setting'; key: 'order'; value: PageState['order'] }
  | { type: 'setting'; key: 'slice'; value: number }
  | { type: 'tileSize'; size: number; done: boolean }
  | { type: 'toggleGraph' }
  /** The network as a table, or its maps. */
  | { type: 'toggleTable' }
  /** A row of the table: show the layer's arithmetic and arguments. */
  | { type: 'showLayer'; index: number }
  | { type: 'saveNpy' }
  | { type: 'pickImage' }
  | { type: 'pickWeights' }
  | { type: 'randomWeights' }
  /** A model's input shape, as the user typed it. */
  | { type: 'inputShape'; text: string }
  /** The page's width changed. */
  | { type: 'resize' };

let handler: (e: PageEvent) => void = () => undefined;

/** Reports an event to the page's handler. */
export function emit(e: PageEvent): void {
  handler(e);
}

/** Sets the one handler of every event (called once, at boot). */
export function handleEvents(h: (e: PageEvent) => void): void {
  handler = h;
}
