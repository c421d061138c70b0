import dagre from '@dagrejs/dagre';
import { Background, Controls, ReactFlow, type Edge, type Node } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useMemo } from 'react';
import { JourneyDefinition } from '../../../domain/journeys/definition';
import { successors } from '../../../domain/journeys/graph';

const NODE_WIDTH = 200;
const NODE_HEIGHT = 64;

function describe(node: JourneyDefinition['nodes'][string]): string {
  switch (node.type) {
    case 'send_email':
      return `e-mail ${node.template}`;
    case 'delay':
      return 'wait';
    case 'wait_for_event':
      return `wait for ${node.event ?? 'an event'} (${node.timeout})`;
    case 'set_stage':
      return `stage → ${node.stage}`;
    default:
      return node.type.replace(/_/g, ' ');
  }
}

/** Read-only: the definition's nodes laid out top to bottom by dagre (the same graph always draws the same), each with its counts. */
export default function JourneyGraph({ definition, counts }: { definition: unknown; counts: Map<string, { now: number; visits: Record<string, number> }> }) {
  const layout = useMemo(() => {
    const parsed = JourneyDefinition.safeParse(definition);
    if (!parsed.success) return undefined;
    const graph = new dagre.graphlib.Graph();
    graph.setGraph({ rankdir: 'TB', nodesep: 40, ranksep: 50 });
    graph.setDefaultEdgeLabel(() => ({}));
    const edges: Edge[] = [];
    for (const [id, node] of Object.entries(parsed.data.nodes)) {
      graph.setNode(id, { width: NODE_WIDTH, height: NODE_HEIGHT });
      successors(node).forEach((target, index) => {
        // A wait that loops on itself (a cart change restarts the wait) is drawn as a self-edge, not laid out.
        if (target !== id) graph.setEdge(id, target);
        edges.push({ id: `${id}->${target}:${index}`, source: id, target, label: node.type === 'wait_for_event' ? (index === 0 ? 'event' : 'timeout') : undefined });
      });
    }
    dagre.layout(graph);
    const nodes: Node[] = Object.entries(parsed.data.nodes).map(([id, node]) => {
      const { x, y } = graph.node(id);
      const count = counts.get(id);
      const visits = Object.values(count?.visits ?? {}).reduce((sum, n) => sum + n, 0);
      return {
        id,
        position: { x: x - NODE_WIDTH / 2, y: y - NODE_HEIGHT / 2 },
        data: {
          label: (
            <div className="graph-node" data-testid={`node-${id}`}>
              <strong>{id}</strong>
              <span>{describe(node)}</span>
              <span className="counts">
                {count?.now ?? 0} here now · {visits} visits
              </span>
            </div>
          ),
        },
        style: { width: NODE_WIDTH },
        draggable: false,
        connectable: false,
        className: id === parsed.data.start ? 'start' : undefined,
      };
    });
    return { nodes, edges };
  }, [definition, counts]);

  if (layout === undefined) return <p className="error">This definition cannot be drawn (it does not parse).</p>;
  return (
    <div className="graph" style={{ height: 560 }}>
      <ReactFlow nodes={layout.nodes} edges={layout.edges} fitView nodesDraggable={false} nodesConnectable={false} proOptions={{ hideAttribution: true }}>
        <Background />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
