// Building the admin page's DOM: elements from data (always as text, never as markup), and the numbers' formats.

const MIB = 1024 * 1024;
export const GIB = 1024 * MIB;
// Successive models get hues a golden angle apart: neighbours on one card never share a colour.
const GOLDEN_ANGLE = 137.508;
const openDetails = new Set();
let hues = new Map();

export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = value;
    else if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function bytes(n) {
  if (n === null || n === undefined) return '—';
  if (Math.abs(n) >= GIB) return (n / GIB).toFixed(2) + ' GiB';
  if (Math.abs(n) >= MIB) return Math.round(n / MIB) + ' MiB';
  return n + ' B';
}

export function percent(p) {
  return (Math.round(p * 10) / 10).toFixed(1) + ' %';
}

export function tps(v) {
  return v === null || v === undefined ? '—' : (Math.round(v * 10) / 10).toFixed(1) + ' tok/s';
}

export function ago(iso) {
  if (!iso) return 'never';
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (s < 60) return s + ' s ago';
  if (s < 3600) return Math.round(s / 60) + ' min ago';
  return Math.round(s / 3600) + ' h ago';
}

export function assignHues(data) {
  const ids = new Set(data.plan.models.map(m => m.model_id));
  for (const n of data.nodes) for (const l of n.loaded) ids.add(l.model_id);
  hues = new Map([...ids].sort().map((id, i) => [id, Math.round((210 + i * GOLDEN_ANGLE) % 360)]));
}

function hue(modelId) {
  return hues.has(modelId) ? hues.get(modelId) : 0;
}

export function colored(el, modelId) {
  if (modelId) el.style.setProperty('--hue', String(hue(modelId)));
  return el;
}

export function details(key, summary, ...content) {
  const el = h('details', {'data-key': key, open: openDetails.has(key)}, h('summary', {text: summary}), ...content);
  el.addEventListener('toggle', () => (el.open ? openDetails.add(key) : openDetails.delete(key)));
  return el;
}

export function replace(id, ...children) {
  const target = document.getElementById(id);
  target.replaceChildren(...children.flat().filter(c => c));
}

export function total(b) {
  return b ? b.weights_bytes + b.kv_cache_bytes + b.compute_bytes + b.runtime_bytes + b.unsplit_bytes : 0;
}
