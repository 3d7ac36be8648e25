// The planner's admin page. Plain browser JavaScript, no build step and nothing from other hosts: the page must
// work on an isolated LAN. Data comes from /admin/api/ (session cookie); actions go to the admin API with the
// X-Requested-By header, which a page on another site cannot add. Everything from the server is put into the
// page as text (textContent), never as markup.

import {h, bytes, percent, tps, ago, assignHues, replace, GIB} from './dom.js';
import {renderFleet} from './fleet.js';

const POLL_MS = 1000;
const HISTORY_MS = 15000;
let lastText = '';
let lastData = null;
let lastSuccess = 0;
let historyVersion = -1;
let historyFetched = 0;
let choicesText = '';
let choices = {models: [], shapes: [], cards: []};

// ---- the result line and the confirmation dialog ----

let resultTimer = null;

function showResult(text, error) {
  const el = document.getElementById('result');
  el.textContent = text;
  el.classList.toggle('error', !!error);
  el.hidden = false;
  clearTimeout(resultTimer);
  resultTimer = setTimeout(() => { el.hidden = true; }, 15000);
}

/** Opens the confirmation dialog; resolves with {action: 'ok' | 'extra' | 'cancel', value}. */
function ask({title, message, field, okLabel, extraLabel}) {
  const dialog = document.getElementById('confirm');
  document.getElementById('confirm-title').textContent = title;
  document.getElementById('confirm-message').textContent = message;
  replace('confirm-field', field || null);
  document.getElementById('confirm-ok').textContent = okLabel || 'Confirm';
  const extra = document.getElementById('confirm-extra');
  extra.hidden = !extraLabel;
  extra.textContent = extraLabel || '';
  dialog.returnValue = 'cancel';
  return new Promise(resolve => {
    dialog.addEventListener('close', () => {
      const action = ['ok', 'extra'].includes(dialog.returnValue) ? dialog.returnValue : 'cancel';
      resolve({action, value: field && 'value' in field ? field.value : undefined});
    }, {once: true});
    dialog.showModal();
    (field || document.getElementById('confirm-ok')).focus();
  });
}

async function act(method, url, body, success) {
  const headers = {'X-Requested-By': 'rigpool-admin'};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(url, {method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin'});
  } catch (e) {
    showResult('Failed: the planner did not answer (' + e.message + ')', true);
    return;
  }
  let data = null;
  try { data = await response.json(); } catch (e) { /* no body */ }
  if (response.status === 401) {
    window.location.href = '/admin/login';
    return;
  }
  if (response.ok) {
    showResult('Done: ' + success(data), false);
  } else {
    const error = (data && data.error) || {};
    showResult('Failed (' + response.status + '): ' + (error.message || response.statusText)
      + (error.field ? ' [' + error.field + ']' : ''), true);
  }
  refresh();
}

async function drain(node) {
  const undrain = node.drained;
  const answer = await ask({
    title: (undrain ? 'Undrain ' : 'Drain ') + node.node_id + '?',
    message: undrain ? 'The planner may place runners on this node again.'
      : 'The node finishes its running jobs, takes no new ones and gets no runners until it is undrained.',
    okLabel: undrain ? 'Undrain' : 'Drain',
  });
  if (answer.action !== 'ok') return;
  await act(undrain ? 'DELETE' : 'POST', '/api/nodes/' + encodeURIComponent(node.node_id) + '/drain', undefined,
    data => 'node ' + data.node_id + (data.drained ? ' is draining' : ' is back in service'));
}

async function reserve(node, plan) {
  const input = h('input', {type: 'text', value: plan ? bytes(plan.reserve_bytes).replace(' ', '') : '',
    placeholder: 'e.g. 2GiB or 1536MiB', 'aria-label': 'reserve'});
  const answer = await ask({
    title: 'VRAM reserve of ' + node.node_id,
    message: 'VRAM the planner leaves free on this PC (the owner’s own reserve still applies when larger).',
    field: input, okLabel: 'Set reserve', extraLabel: 'Use the default',
  });
  const url = '/api/nodes/' + encodeURIComponent(node.node_id) + '/reserve';
  if (answer.action === 'ok') {
    await act('PUT', url, {reserve: answer.value.trim()}, data => 'reserve of ' + data.node_id + ' is '
      + bytes(data.reserve_bytes));
  } else if (answer.action === 'extra') {
    await act('DELETE', url, undefined, data => 'reserve of ' + data.node_id + ' is the default again');
  }
}

async function pin(model, holders) {
  if (holders.length === 0) {
    showResult('No connected node holds ' + model.model_id + ' to pin it to', true);
    return;
  }
  const select = h('select', {'aria-label': 'node'}, holders.map(n => h('option', {value: n, text: n})));
  const answer = await ask({
    title: 'Pin ' + model.model_id,
    message: 'Keep a runner of this model on the chosen node whatever the demand.',
    field: select, okLabel: 'Pin',
  });
  if (answer.action !== 'ok') return;
  await act('PUT', '/api/models/' + encodeURIComponent(model.model_id) + '/pins/' + encodeURIComponent(answer.value),
    undefined, data => data.model_id + ' is pinned to ' + data.node_id);
}

async function unpin(modelId, nodeId) {
  const answer = await ask({title: 'Unpin ' + modelId + ' from ' + nodeId + '?',
    message: 'The planner may then move or drop this runner.', okLabel: 'Unpin'});
  if (answer.action !== 'ok') return;
  await act('DELETE', '/api/models/' + encodeURIComponent(modelId) + '/pins/' + encodeURIComponent(nodeId),
    undefined, data => data.model_id + ' is no longer pinned to ' + data.node_id);
}

// ---- header, history ----

function renderSummary(data) {
  const plan = data.plan;
  const ready = data.nodes.filter(n => n.state === 'ready').length;
  document.getElementById('summary').textContent = 'plan v' + plan.plan_version + ' (' + plan.trigger + ', '
    + ago(plan.planned_at) + ') · ' + ready + ' node(s) ready · served ' + tps(plan.served_tps) + ' of '
    + tps(plan.demand_tps) + ' demanded';
}

async function refreshHistory(version) {
  historyVersion = version;
  historyFetched = Date.now();
  const response = await fetch('/admin/api/history?limit=12', {cache: 'no-store', credentials: 'same-origin'});
  if (!response.ok) return;
  const entries = await response.json();
  if (entries.length === 0) {
    replace('history', h('p', {class: 'muted', text: 'No plan yet.'}));
    return;
  }
  replace('history', h('table', {},
    h('thead', {}, h('tr', {}, ['plan', 'when', 'why', 'served', 'what changed']
      .map(t => h('th', {text: t})))),
    h('tbody', {}, entries.map(e => h('tr', {'data-version': e.plan_version},
      h('td', {class: 'num', text: 'v' + e.plan_version}),
      h('td', {title: e.created_at, text: ago(e.created_at)}),
      h('td', {text: e.trigger}),
      h('td', {class: 'num', text: tps(e.served_tps) + ' / ' + tps(e.demand_tps)}),
      h('td', {class: 'small'},
        e.added.map(t => h('div', {text: '+ ' + t})),
        e.changed.map(t => h('div', {text: '~ ' + t})),
        e.removed.map(t => h('div', {text: '− ' + t})),
        e.added.length + e.changed.length + e.removed.length === 0
          ? h('span', {class: 'muted', text: e.runners + ' runner(s), none changed'}) : null))))));
}

// ---- what if ----

async function refreshChoices() {
  const response = await fetch('/admin/api/choices', {cache: 'no-store', credentials: 'same-origin'});
  if (!response.ok) return;
  const text = await response.text();
  if (text === choicesText) return;
  choicesText = text;
  choices = JSON.parse(text);
  const model = document.getElementById('whatif-model');
  const chosenModel = model.value;
  model.replaceChildren(
    h('optgroup', {label: 'on the fleet'}, choices.models.map(m => h('option', {value: m, text: m}))),
    h('optgroup', {label: 'catalogue'}, choices.shapes.map(m => h('option', {value: m, text: m}))));
  if (chosenModel) model.value = chosenModel;
  const card = document.getElementById('whatif-card');
  const chosenCard = card.value;
  // Some cards come in two memory sizes under one name: options are numbered, and the query sends the VRAM.
  card.replaceChildren(h('option', {value: '', text: '(VRAM below)'}),
    ...choices.cards.map((c, i) => h('option', {value: String(i), text: c.name + ' · '
      + Math.round(c.vram_bytes / GIB) + ' GiB'})));
  const rtx4060 = choices.cards.findIndex(c => c.name === 'GeForce RTX 4060');
  card.value = chosenCard || (rtx4060 >= 0 ? String(rtx4060) : '');
}

async function whatIf(event) {
  event.preventDefault();
  const form = event.target;
  const query = new URLSearchParams();
  for (const name of ['model', 'vram', 'ctx', 'parallel']) {
    const value = form.elements[name].value.trim();
    if (value) query.set(name, value);
  }
  const card = choices.cards[Number(form.elements.card.value)];
  if (form.elements.card.value !== '' && card && !query.has('vram')) {
    query.set('card', card.name);
    query.set('vram', String(card.vram_bytes));
  }
  const response = await fetch('/admin/api/estimate?' + query, {cache: 'no-store', credentials: 'same-origin'});
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = data.error || {};
    replace('whatif-answer', h('p', {class: 'note', text: (error.field ? error.field + ': ' : '')
      + (error.message || response.statusText)}));
    return;
  }
  const share = h('div', {class: 'share', title: percent(data.share_of_layers * 100) + ' of the layers'}, h('span'));
  share.firstChild.style.width = (data.share_of_layers * 100) + '%';
  replace('whatif-answer',
    h('div', {class: 'big', 'data-field': 'layers',
      text: data.n_gpu_layers + '/' + (data.layers + 1) + ' layers on the GPU · '
        + percent(data.share_of_layers * 100) + ' of the layers'}),
    share,
    h('div', {'data-field': 'speed-up', text: 'decode ' + tps(data.cpu_only_tps) + ' on CPU only → '
      + tps(data.tps) + ' with the GPU: ×' + data.speed_up.toFixed(2) + ' speed-up'}),
    h('div', {text: 'full offload needs ' + data.full_offload_gb + (data.fits_fully ? ' — fits fully'
      : ' — does not fit fully') + ' (card ' + bytes(data.vram_bytes) + ', reserve ' + bytes(data.reserve_bytes)
      + ')'}),
    h('div', {class: 'muted', text: 'this split: ' + bytes(data.gpu_bytes) + ' VRAM, ' + bytes(data.cpu_bytes)
      + ' RAM · ' + data.n_ctx + ' context, ' + data.parallel_slots + ' slot(s) · ' + data.source}),
    h('div', {class: 'muted', text: 'cards that hold it fully: ' + (data.cards_holding_fully.join(', ') || 'none')}));
}

// ---- the loop ----

function render(data) {
  lastData = data;
  assignHues(data);
  renderSummary(data);
  renderFleet(data, {drain, reserve, pin, unpin});
}

async function refresh() {
  try {
    const response = await fetch('/admin/api/fleet', {cache: 'no-store', credentials: 'same-origin'});
    if (response.status === 401) {
      window.location.href = '/admin/login';
      return;
    }
    if (!response.ok) throw new Error('HTTP ' + response.status);
    const text = await response.text();
    lastSuccess = Date.now();
    if (text !== lastText) {
      lastText = text;
      const data = JSON.parse(text);
      render(data);
      if (data.plan_version !== historyVersion || Date.now() - historyFetched > HISTORY_MS) {
        refreshHistory(data.plan_version).catch(() => {});
      }
    }
  } catch (e) {
    // Keep showing the last data; the indicator turns red below.
  }
  const live = document.getElementById('live');
  const stale = Date.now() - lastSuccess > 5000;
  live.classList.toggle('stale', stale);
  live.title = stale ? 'no answer from the planner for a while' : 'data refreshes every second';
  document.body.dataset.updated = String(lastSuccess);
}

async function poll() {
  await refresh();
  setTimeout(poll, POLL_MS);
}

document.addEventListener('DOMContentLoaded', () => {
  const dialog = document.getElementById('confirm');
  // Only "Confirm" submits the dialog's form, so Enter in its field confirms rather than cancels.
  document.getElementById('confirm-cancel').addEventListener('click', () => dialog.close('cancel'));
  document.getElementById('confirm-extra').addEventListener('click', () => dialog.close('extra'));
  document.getElementById('whatif').addEventListener('submit', whatIf);
  refreshChoices().catch(() => {});
  setInterval(() => refreshChoices().catch(() => {}), 30000);
  poll();
});

// For the browser tests and curious admins: the data the page last rendered.
window.rigpool = {latest: () => lastData};
