// Layout of the network strip: one row per node (the input, then the layers in order, which is a
// topological order since `from` only names earlier layers) and a lane (column) per node, the
// way `git log --graph` draws commits. An edge waits in a lane from its source's row to its
// target's row; a node's lane goes on to the consumer whose descendants reach furthest down (the
// nearest of those), and every other consumer gets a lane of its own, so a skip connection, a
// parallel branch (a resnet's projection, a U-Net's encoder-to-decoder concat) or a dead end runs
// beside the main path instead of through it. A second pass
// moves each side track (a lane's stretch from a fork to its join) to the nearest lane that is
// free all along it, the shortest tracks first: nested skips then nest without crossing.
// Pure: no DOM.

export interface GraphEdge {
  /** Rows of the source and the target (row 0 is the input; layer i is row i + 1). */
  from: number;
  to: number;
  /** The lane the edge runs down between the two rows. */
  lane: number;
}

export interface GraphLayout {
  /** The lane of each row's node. */
  lanes: number[];
  edges: GraphEdge[];
  /** Lanes used (at least 1). */
  width: number;
}

interface Track {
  lane: number;
  start: number;
  end: number;
}

/** `sources[r]`: the rows node r reads (row 0, the input, reads none). */
export function layoutGraph(sources: number[][]): GraphLayout {
  const n = sources.length;
  const consumers: number[][] = Array.from({ length: n }, () => []);
  sources.forEach((srcs, r) => {
    for (const s of new Set(srcs)) if (s >= 0 && s < r) consumers[s].push(r);
  });
  // furthest[r]: the last row reachable from r; a node's lane goes on to the consumer that reaches furthest.
  const furthest = Array.from({ length: n }, (_, r) => r);
  for (let r = n - 1; r >= 0; r--) for (const c of consumers[r]) furthest[r] = Math.max(furthest[r], furthest[c]);
  for (const cs of consumers) cs.sort((a, b) => furthest[b] - furthest[a] || a - b);
  // occupied[l]: the row the edge waiting in lane l goes to, or -1 when the lane is free;
  // trackOf[l]: the track lane l holds now.
  const occupied: number[] = [];
  const trackOf: number[] = [];
  const tracks: Track[] = [];
  const nodeTrack = new Array<number>(n).fill(0);
  const edges: Array<GraphEdge & { track: number }> = [];
  const pending = new Map<string, { lane: number; track: number }>();
  const openTrack = (lane: number, row: number): void => {
    trackOf[lane] = tracks.length;
    tracks.push({ lane, start: row, end: row });
  };
  const freeLane = (from: number): number => {
    for (let l = from; l < occupied.length; l++) if (occupied[l] < 0) return l;
    occupied.push(-1);
    return occupied.length - 1;
  };
  for (let r = 0; r < n; r++) {
    const arriving: number[] = [];
    for (let l = 0; l < occupied.length; l++) if (occupied[l] === r) arriving.push(l);
    for (const l of arriving) {
      occupied[l] = -1;
      tracks[trackOf[l]].end = r;
    }
    const lane = arriving.length ? Math.min(...arriving) : freeLane(0);
    if (!arriving.length) openTrack(lane, r);
    nodeTrack[r] = trackOf[lane];
    for (const s of new Set(sources[r])) {
      const p = pending.get(`${s}>${r}`);
      if (p) edges.push({ from: s, to: r, ...p });
    }
    consumers[r].forEach((to, i) => {
      const l = i === 0 ? lane : freeLane(lane + 1);
      if (i > 0) openTrack(l, r);
      occupied[l] = to;
      pending.set(`${r}>${to}`, { lane: l, track: trackOf[l] });
    });
  }
  const lanesOf = placeTracks(tracks);
  return {
    lanes: nodeTrack.map((t) => lanesOf[t]),
    edges: edges.map(({ from, to, track }) => ({ from, to, lane: lanesOf[track] })),
    width: Math.max(1, ...lanesOf.map((l) => l + 1)),
  };
}

/** A lane per track: lane 0's stay, the others go to the nearest lane free over their rows, shortest first. */
function placeTracks(tracks: Track[]): number[] {
  const out = tracks.map((t): number => (t.lane === 0 ? 0 : -1));
  // Rows each new lane is busy over; tracks may share a row where one ends and the next starts.
  const busy: Array<Array<[number, number]>> = [[]];
  const side = tracks.map((_, i) => i).filter((i) => tracks[i].lane !== 0);
  side.sort((a, b) => tracks[a].end - tracks[a].start - (tracks[b].end - tracks[b].start) || a - b);
  for (const i of side) {
    const { start, end } = tracks[i];
    let lane = 1;
    while (busy[lane]?.some(([s, e]) => s < end && start < e)) lane++;
    (busy[lane] ??= []).push([start, end]);
    out[i] = lane;
  }
  return out;
}
