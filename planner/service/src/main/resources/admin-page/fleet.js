// The admin page's node cards (VRAM bars, runners, plan) and model table.
import {h, bytes, percent, tps, ago, colored, details, replace, total} from './dom.js';

const SEGMENT_LABELS = {
  weights: 'weights',
  kv_cache: 'KV cache',
  compute: 'compute buffer',
  kv_cache_and_compute: 'KV cache + compute (approximate)',
  cuda_context: 'CUDA context',
  other_processes: 'other processes (owner’s game, desktop)',
  reserve: 'reserve',
  free: 'free',
};
const STATUS_LABELS = {
  ready: 'ready', draining: 'draining', paused: 'paused by owner', disconnected: 'disconnected', lost: 'lost',
};

/** What the cards' buttons do: drain(node), reserve(node, plan), pin(model, holders), unpin(model, node). */
let handlers = {};

// ---- nodes ----

function segmentLabel(s) {
  return (s.model_id ? s.model_id + ' · ' : '') + SEGMENT_LABELS[s.kind]
    + (s.basis && s.basis !== 'measured' ? ' (' + s.basis + ')' : '');
}

function renderBar(gpu) {
  return h('div', {class: 'bar', role: 'img', 'aria-label': 'VRAM of ' + gpu.name},
    gpu.segments.map(s => {
      const seg = colored(h('div', {class: 'seg seg-' + s.kind, 'data-kind': s.kind, 'data-model': s.model_id,
        'data-bytes': s.bytes, 'data-percent': s.percent,
        title: segmentLabel(s) + ': ' + bytes(s.bytes) + ' · ' + percent(s.percent)}), s.model_id);
      seg.style.width = s.percent + '%';
      return seg;
    }));
}

function renderLegend(gpu) {
  return h('div', {class: 'legend'}, gpu.segments.map(s => h('span', {class: 'chip', 'data-kind': s.kind},
    colored(h('span', {class: 'swatch seg-' + s.kind}), s.model_id), segmentLabel(s) + ' ',
    h('b', {text: bytes(s.bytes)}), ' · ' + percent(s.percent))));
}

function breakdownCells(b) {
  if (!b) return [h('td', {class: 'muted', colspan: 5, text: 'not measured yet'})];
  const kv = b.unsplit_bytes > 0 ? bytes(b.unsplit_bytes) + ' (KV + compute)' : bytes(b.kv_cache_bytes);
  return [h('td', {class: 'num', text: bytes(b.weights_bytes)}), h('td', {class: 'num', text: kv}),
    h('td', {class: 'num', text: b.unsplit_bytes > 0 ? '—' : bytes(b.compute_bytes)}),
    h('td', {class: 'num', text: bytes(b.runtime_bytes)}), h('td', {class: 'num', text: bytes(total(b))})];
}

function renderBreakdown(gpu) {
  if (gpu.runners.length === 0) return null;
  const rows = [];
  for (const r of gpu.runners) {
    const layers = r.layers_total ? r.n_gpu_layers + '/' + r.layers_total + ' layers' : r.n_gpu_layers + ' layers';
    rows.push(h('tr', {'data-model': r.model_id},
      h('td', {rowspan: 2}, colored(h('span', {class: 'swatch seg-weights'}), r.model_id), r.model_id,
        h('div', {class: 'muted', text: layers + ' · ' + r.state})),
      h('td', {text: r.estimated.basis}), breakdownCells(r.estimated)));
    rows.push(h('tr', {}, h('td', {text: 'measured'}), breakdownCells(r.measured)));
  }
  return h('table', {class: 'breakdown'},
    h('thead', {}, h('tr', {}, ['runner', '', 'weights', 'KV cache', 'compute', 'CUDA ctx', 'total']
      .map((t, i) => h('th', {class: i > 1 ? 'num' : null, text: t})))),
    h('tbody', {}, rows));
}

function renderGpu(node, gpu) {
  return h('div', {class: 'gpu', 'data-gpu': gpu.index},
    h('div', {class: 'gpu-head'}, h('strong', {text: 'GPU ' + gpu.index + ' · ' + gpu.name}),
      h('span', {class: 'muted', text: bytes(gpu.total_bytes) + ' total · ' + bytes(gpu.free_bytes) + ' free · ours '
        + bytes(gpu.our_bytes) + ' · others ' + bytes(gpu.other_bytes)}),
      gpu.planned ? h('span', {class: 'tag', text: 'planned'}) : h('span', {class: 'tag', text: 'not planned'})),
    renderBar(gpu),
    renderLegend(gpu),
    gpu.note ? h('div', {class: 'note', text: gpu.note}) : null,
    gpu.runners.length ? details('breakdown-' + node.node_id + '-' + gpu.index,
      'estimated and measured per runner', renderBreakdown(gpu)) : null);
}

function runnerRows(node, plan) {
  const byModel = new Map();
  const entry = id => {
    if (!byModel.has(id)) byModel.set(id, {id});
    return byModel.get(id);
  };
  for (const l of node.loaded) entry(l.model_id).loaded = l;
  for (const a of node.assignments) entry(a.model_id).assignment = a;
  for (const r of (plan ? plan.runners : [])) entry(r.model_id).planned = r;
  for (const a of (plan ? plan.assigned : [])) entry(a.model_id).draining = a.draining;
  const blocks = new Map(node.models.map(m => [m.model_id, m.block_count + 1]));
  return [...byModel.values()].sort((a, b) => a.id.localeCompare(b.id)).map(e => {
    const l = e.loaded;
    const p = e.planned;
    const layersTotal = (l && l.layers_total) || blocks.get(e.id) || 0;
    const layers = l ? l.n_gpu_layers : p ? p.n_gpu_layers : e.assignment ? e.assignment.n_gpu_layers : 0;
    const state = l ? l.state : e.assignment ? 'assigned' : 'planned';
    const stateCell = h('td', {class: 'state', 'data-state': state});
    if (l && l.state === 'loading') {
      const bar = h('span', {class: 'progress', title: 'loading'}, h('span'));
      bar.firstChild.style.width = Math.round(l.load_progress * 100) + '%';
      stateCell.append(bar, 'loading ' + Math.round(l.load_progress * 100) + ' %');
    } else {
      stateCell.append(state);
    }
    if (e.draining) stateCell.append(' ', h('span', {class: 'flag', text: 'draining'}));
    if (l && l.error) stateCell.append(h('div', {class: 'note', text: l.error}));
    const reason = (p && p.reason) || (e.assignment && e.assignment.reason) || '';
    return h('tr', {'data-model': e.id},
      h('td', {}, colored(h('span', {class: 'swatch seg-weights'}), e.id), e.id,
        p ? h('div', {class: 'change change-' + p.change, text: p.change + ' · ' + p.basis}) : null),
      stateCell,
      h('td', {class: 'num layers', text: layers + '/' + (layersTotal || '?') + ' layers'}),
      h('td', {class: 'num', text: l ? l.slots_busy + '/' + l.slots_total + ' busy' : '—'}),
      predictedCell(l, p),
      h('td', {class: 'num measured', text: l && l.decode_tps > 0 ? tps(l.decode_tps) : '—'}),
      h('td', {}, reason ? details('reason-' + node.node_id + '-' + e.id, 'why', h('p', {text: reason})) : null));
  });
}

/** One job's speed as the node's fitted speed predicts it (beside the measured one), else the plan's figure. */
function predictedCell(l, p) {
  if (l && l.predicted_tps !== null && l.predicted_tps !== undefined) {
    return h('td', {class: 'num predicted', title: 'one job, by the node\u2019s fitted speed; datasheet alone: '
      + tps(l.datasheet_tps) + (p ? '; the plan counts ' + tps(p.capacity_tps) + ' with every slot busy' : ''),
    text: tps(l.predicted_tps)});
  }
  return h('td', {class: 'num predicted', title: p ? 'every slot busy' : null, text: p ? tps(p.capacity_tps) : '—'});
}

function gbps(v) {
  return (v >= 100 ? Math.round(v) : Math.round(v * 10) / 10) + ' GB/s';
}

/** The llama.cpp backend the worker proved (or why it runs on the CPU only), and the node's decode speed. */
function renderBackend(node) {
  const b = node.backend;
  const facts = [];
  if (b.reported) {
    facts.push(b.library || 'library not named');
    if (b.llama_cpp_build) facts.push('llama.cpp ' + b.llama_cpp_build);
    for (const d of b.devices) {
      facts.push(d.id + ' ' + d.name + (d.compute_capability ? ' (compute ' + d.compute_capability + ')' : ''));
    }
    if (b.driver_version) facts.push('driver ' + b.driver_version + (b.driver_cuda ? ' (CUDA ' + b.driver_cuda + ')' : ''));
    if (b.cuda_runtime) facts.push('CUDA runtime ' + b.cuda_runtime);
    if (b.probe_layers_total > 0) facts.push('probe offloaded ' + b.probe_layers_offloaded + '/' + b.probe_layers_total
      + ' layers');
  } else {
    facts.push('no backend reported (older worker)');
  }
  const s = node.speed;
  const speed = 'speed: GPU ' + gbps(s.gpu_gbps) + ' · CPU ' + gbps(s.cpu_gbps) + ' · '
    + (Math.round(s.overhead_ms * 100) / 100) + ' ms per step · ' + (s.observations > 0
      ? 'fitted to ' + s.observations + ' measured runner speed(s), ±' + (Math.round(s.rms_error_percent * 10) / 10)
        + ' %; datasheet GPU ' + gbps(s.datasheet_gpu_gbps) + ', CPU ' + gbps(s.datasheet_cpu_gbps)
      : 'datasheet, nothing measured yet');
  return h('div', {class: 'backend', 'data-kind': b.gpu_capable ? 'gpu' : 'cpu'},
    h('span', {class: 'tag', text: b.gpu_capable ? (b.kind || 'gpu').toUpperCase() + ' proven' : 'CPU only'}),
    h('span', {class: 'small', text: ' ' + facts.join(' · ')}),
    b.cpu_only_reason ? h('div', {class: 'note cpu-only', text: 'runs on the CPU only: ' + b.cpu_only_reason}) : null,
    node.layer_caps.map(c => h('div', {class: 'note layer-cap', 'data-model': c.model_id,
      text: c.model_id + ': at most ' + c.layers + ' GPU layers here, ' + c.why})),
    h('div', {class: 'muted small speed', text: speed}));
}

function renderNode(node, plan) {
  const actions = h('div', {class: 'actions'},
    h('button', {class: 'small', 'data-action': node.drained ? 'undrain' : 'drain',
      onclick: () => handlers.drain(node), text: node.drained ? 'Undrain' : 'Drain'}),
    h('button', {class: 'small quiet', 'data-action': 'reserve', onclick: () => handlers.reserve(node, plan),
      text: 'Reserve…'}));
  const facts = [node.hostname, 'RAM ' + bytes(node.ram_free_bytes) + ' free of ' + bytes(node.ram_total_bytes),
    node.cpu_threads + ' CPU threads', 'seen ' + ago(node.last_seen)];
  if (plan) facts.push('reserve ' + bytes(plan.reserve_bytes), 'VRAM budget ' + bytes(plan.vram_budget_bytes));
  const rows = runnerRows(node, plan);
  return h('article', {class: 'node', 'data-node': node.node_id, 'data-status': node.status},
    h('div', {class: 'node-head'}, h('h3', {text: node.node_id}),
      h('span', {class: 'status status-' + node.status, 'data-status': node.status,
        text: STATUS_LABELS[node.status] || node.status}), actions),
    h('div', {class: 'facts', text: facts.join(' · ')}),
    renderBackend(node),
    plan && plan.unavailable ? h('div', {class: 'note', text: plan.unavailable}) : null,
    plan && plan.budget_note ? h('div', {class: 'muted small', text: 'budget: ' + plan.budget_note}) : null,
    node.gpus.length ? node.gpus.map(g => renderGpu(node, g)) : h('p', {class: 'muted', text: 'no GPU'}),
    rows.length ? h('table', {class: 'runners'},
      h('thead', {}, h('tr', {}, ['model', 'state', 'layers on GPU', 'slots', 'predicted', 'measured', 'plan']
        .map((t, i) => h('th', {class: i >= 2 && i <= 5 ? 'num' : null, text: t})))),
      h('tbody', {}, rows)) : h('p', {class: 'muted small', text: 'no runners'}));
}

function renderNodes(data) {
  const plans = new Map(data.plan.nodes.map(p => [p.node_id, p]));
  const live = data.nodes.filter(n => n.state === 'ready').sort((a, b) => a.node_id.localeCompare(b.node_id));
  const gone = data.nodes.filter(n => n.state !== 'ready').sort((a, b) => a.node_id.localeCompare(b.node_id));
  replace('nodes', live.length ? live.map(n => renderNode(n, plans.get(n.node_id)))
    : h('p', {class: 'muted', text: 'No node is connected.'}));
  replace('gone', gone.length ? details('gone', gone.length + ' node(s) disconnected or lost: '
    + gone.map(n => n.node_id).join(', '), h('div', {class: 'nodes'}, gone.map(n => renderNode(n,
      plans.get(n.node_id))))) : null);
}

// ---- models ----

function renderModels(data) {
  const loaded = new Map();
  const holders = new Map();
  const blocks = new Map();
  for (const n of data.nodes) {
    for (const l of n.loaded) loaded.set(n.node_id + '\u0000' + l.model_id, l);
    for (const m of n.models) {
      blocks.set(m.model_id, m.block_count + 1);
      if (n.state === 'ready') (holders.get(m.model_id) || holders.set(m.model_id, []).get(m.model_id)).push(n.node_id);
    }
  }
  const placements = new Map();
  for (const p of data.plan.nodes) {
    for (const r of p.runners) {
      (placements.get(r.model_id) || placements.set(r.model_id, []).get(r.model_id)).push({node: p.node_id, r});
    }
  }
  if (data.plan.models.length === 0) {
    replace('models', h('p', {class: 'muted', text: 'No model is known yet.'}));
    return;
  }
  const rows = data.plan.models.map(m => {
    const placed = (placements.get(m.model_id) || []).map(({node, r}) => {
      const l = loaded.get(node + '\u0000' + m.model_id);
      const layersTotal = (l && l.layers_total) || blocks.get(m.model_id) || '?';
      return h('div', {class: 'placement', 'data-node': node},
        h('strong', {text: node}), ': ' + r.n_gpu_layers + '/' + layersTotal + ' layers · predicted '
        + tps(r.capacity_tps) + ' (serves ' + tps(r.served_tps) + ') · measured '
        + (l && l.decode_tps > 0 ? tps(l.decode_tps) : '—') + (l ? ' · ' + l.state : ''));
    });
    const pins = m.pinned_to.map(n => h('div', {}, n, ' ',
      h('button', {class: 'small quiet', 'data-action': 'unpin', 'data-node': n,
        onclick: () => handlers.unpin(m.model_id, n), text: 'unpin'})));
    return h('tr', {'data-model': m.model_id},
      h('td', {}, colored(h('span', {class: 'swatch seg-weights'}), m.model_id), m.model_id,
        m.notes.length ? details('notes-' + m.model_id, m.notes.length + ' note(s)',
          m.notes.map(t => h('p', {text: t}))) : null),
      h('td', {class: 'num replicas', text: m.replicas + (m.required_replicas || m.min_replicas
        ? ' (needs ' + m.required_replicas + (m.min_replicas ? ', min ' + m.min_replicas : '') + ')' : '')}),
      h('td', {class: 'num', text: tps(m.demand_tps)}),
      h('td', {class: 'num', text: tps(m.served_tps)}),
      h('td', {class: 'num queue', text: m.backlog_jobs + ' jobs', title: m.arrivals_per_second + ' jobs/s arriving'}),
      h('td', {}, placed.length ? placed : h('span', {class: 'muted', text: 'not placed'})),
      h('td', {}, pins, h('button', {class: 'small quiet', 'data-action': 'pin',
        onclick: () => handlers.pin(m, holders.get(m.model_id) || []), text: 'Pin…'})));
  });
  replace('models', h('table', {},
    h('thead', {}, h('tr', {}, ['model', 'replicas', 'demand', 'served', 'queue', 'placement per node', 'pins']
      .map((t, i) => h('th', {class: i >= 1 && i <= 4 ? 'num' : null, text: t})))),
    h('tbody', {}, rows)));
}

/** Renders the node cards and the model table; `buttonHandlers` are what the buttons do. */
export function renderFleet(data, buttonHandlers) {
  handlers = buttonHandlers;
  renderNodes(data);
  renderModels(data);
}
