import dagre from '@dagrejs/dagre';
import { Background, Controls, ReactFlow, type Edge, type Node } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useMemo } from 'react';
import { ENTRY_ID, successorSlots, type RawDefinition, type RawNode } from '../../../domain/journeys/editing';

const NODE_WIDTH = 200;
const NODE_HEIGHT = 64;

export interface EdgeChoice {
  source: string;
  path: (string | number)[];
  target: string;
}

export type NodeCounts = Map<string, { now: number; visits: Record<string, number> }>;

const text = (value: unknown, fallback: string) => (typeof value === 'string' && value !== '' ? value : fallback);

function describe(node: RawNode): string {
  switch (node.type) {
    case 'send_email':
      return `e-mail ${text(node['template'], '?')}`;
    case 'delay': {
      const wait = (node['wait'] ?? {}) as Record<string, unknown>;
      return wait['kind'] === 'duration' ? `wait ${text(wait['duration'], '?')}` : `wait (${text(wait['kind'], '?')})`;
    }
    case 'wait_for_event':
      return `wait for ${text(node['event'], 'an event')} (${text(node['timeout'], '?')})`;
    case 'set_stage':
      return `stage → ${text(node['stage'], '?')}`;
    default:
      return text(node.type, 'unknown').replace(/_/g, ' ');
  }
}

function edgeLabel(node: RawNode, path: (string | number)[]): string | undefined {
  if (node.type === 'wait_for_event') return path[0] === 'next' ? 'event' : 'timeout';
  if (node.type === 'branch') return path[0] === 'default' ? 'otherwise' : `if #${Number(path[1]) + 1}`;
  if (node.type === 'random_split') return `arm ${Number(path[1]) + 1}`;
  return undefined;
}

/**
 * A journey's nodes laid out top to bottom by dagre (the same graph always draws the same), each
 * with its counts. Draws drafts too, valid or not: the editor shows a broken node in red on the graph
 * rather than refusing to draw. With `onSelectNode`/`onSelectEdge` nodes and edges can be chosen.
 */
export default function JourneyGraph(props: {
  definition: unknown;
  counts?: NodeCounts;
  selected?: string | undefined;
  invalid?: ReadonlySet<string>;
  onSelectNode?: (id: string) => void;
  onSelectEdge?: (edge: EdgeChoice) => void;
}) {
  const { definition, counts, selected, invalid, onSelectNode, onSelectEdge } = props;
  const layout = useMemo(() => {
    if (typeof definition !== 'object' || definition === null) return undefined;
    const draft = definition as RawDefinition;
    const rawNodes = Object.entries(draft.nodes ?? {}).filter(([, node]) => typeof node === 'object' && node !== null);
    const graph = new dagre.graphlib.Graph();
    graph.setGraph({ rankdir: 'TB', nodesep: 40, ranksep: 50 });
    graph.setDefaultEdgeLabel(() => ({}));
    const edges: (Edge & { data: EdgeChoice })[] = [];
    const known = new Set(rawNodes.map(([id]) => id));
    graph.setNode(ENTRY_ID, { width: NODE_WIDTH, height: 40 });
    if (typeof draft.start === 'string' && known.has(draft.start)) {
      graph.setEdge(ENTRY_ID, draft.start);
      edges.push({ id: `${ENTRY_ID}->${draft.start}`, source: ENTRY_ID, target: draft.start, data: { source: ENTRY_ID, path: [], target: draft.start } });
    }
    for (const [id, node] of rawNodes) {
      graph.setNode(id, { width: NODE_WIDTH, height: NODE_HEIGHT });
      for (const slot of successorSlots(node)) {
        if (!known.has(slot.target)) continue;
        // A wait that loops on itself (a cart change restarts the wait) is drawn as a self-edge, not laid out.
        if (slot.target !== id) graph.setEdge(id, slot.target);
        edges.push({ id: `${id}->${slot.target}:${slot.path.join('.')}`, source: id, target: slot.target, label: edgeLabel(node, slot.path), data: { source: id, path: slot.path, target: slot.target } });
      }
    }
    dagre.layout(graph);
    const entry = graph.node(ENTRY_ID);
    const entryEvent = (draft['entry'] as Record<string, unknown> | undefined)?.['event'];
    const nodes: Node[] = [
      {
        id: ENTRY_ID,
        position: { x: entry.x - NODE_WIDTH / 2, y: entry.y - 20 },
        data: { label: <div className="graph-node entry" data-testid="node-entry">entry{typeof entryEvent === 'string' ? `: ${entryEvent}` : ''}</div> },
        style: { width: NODE_WIDTH },
        draggable: false,
        connectable: false,
        className: 'entry',
      },
      ...rawNodes.map(([id, node]): Node => {
        const { x, y } = graph.node(id);
        const count = counts?.get(id);
        const visits = Object.values(count?.visits ?? {}).reduce((sum, n) => sum + n, 0);
        const classes = [id === draft.start ? 'start' : '', id === selected ? 'selected' : '', invalid?.has(id) ? 'invalid' : ''].filter(Boolean).join(' ');
        return {
          id,
          position: { x: x - NODE_WIDTH / 2, y: y - NODE_HEIGHT / 2 },
          data: {
            label: (
              <div className="graph-node" data-testid={`node-${id}`} data-invalid={invalid?.has(id) ? 'true' : undefined}>
                <strong>{id}</strong>
                <span>{describe(node)}</span>
                {counts !== undefined && (
                  <span className="counts" data-testid={`counts-${id}`}>
                    {count?.now ?? 0} here now · {visits} visits
                  </span>
                )}
              </div>
            ),
          },
          style: { width: NODE_WIDTH },
          draggable: false,
          connectable: false,
          className: classes === '' ? undefined : classes,
        };
      }),
    ];
    return { nodes, edges };
  }, [definition, counts, selected, invalid]);

  if (layout === undefined) return <p className="error">This definition cannot be drawn (it is not a JSON object).</p>;
  return (
    <div className="graph" style={{ height: 560 }}>
      <ReactFlow
        // Laid out again when nodes come or go, so the view fits the new graph; at most life-size.
        key={layout.nodes.map((node) => node.id).join(',')}
        fitViewOptions={{ maxZoom: 1 }}
        nodes={layout.nodes}
        edges={layout.edges.map((edge) => ({ ...edge, className: onSelectEdge === undefined ? undefined : 'choosable', ariaLabel: `edge ${edge.data.source} to ${edge.data.target}` }))}
        fitView
        nodesDraggable={false}
        nodesConnectable={false}
        onNodeClick={onSelectNode === undefined ? undefined : (_, node) => onSelectNode(node.id)}
        onEdgeClick={onSelectEdge === undefined ? undefined : (_, edge) => onSelectEdge((edge as Edge & { data: EdgeChoice }).data)}
        proOptions={{ hideAttribution: true }}
      >
        <Background />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
