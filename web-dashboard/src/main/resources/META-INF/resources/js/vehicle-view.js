// Vehicle view: live charts of one vehicle's numeric fields, and commands with their acknowledgements.

import { FIELDS } from './fleet-store.js';
import { ago } from './fleet-view.js';

const LABELS = { speed: 'speed km/h', fuel: 'fuel %', engineTemp: 'engine °C', battery: 'battery V' };

export class VehicleView {
  constructor(store, link, fleetPrefix, api) {
    this.store = store;
    this.api = api;
    this.range = document.getElementById('vehicle-range');
    this.range.addEventListener('change', () => this.load());
    this.past = null; // {id, minutes, samples} from the history endpoint, shown instead of the live ring
    this.stats = null; // {id, rows, at}
    this.link = link;
    this.fleetPrefix = fleetPrefix;
    this.id = null;
    this.select = document.getElementById('vehicle-select');
    this.select.addEventListener('change', () => this.show(this.select.value));
    this.knownIds = 0;
    this.charts = Object.fromEntries(FIELDS.map((field) => [field, chart(field)]));
    document.getElementById('command-send').addEventListener('click', () => this.sendCommand());
  }

  show(id) {
    this.id = id;
    this.load();
    this.render(Date.now());
  }

  /** The chosen range's history (live: the kept samples) and the per-minute statistics, from the API. */
  async load() {
    const id = this.id;
    const minutes = this.range.value;
    this.past = null;
    this.loadStats(id);
    if (!id || minutes === 'live' || !this.api) {
      return;
    }
    try {
      const samples = await this.api.history(id, minutes);
      if (this.id === id && this.range.value === minutes) {
        this.past = { id, minutes, samples };
        document.getElementById('vehicle-history-note').textContent =
          samples.length + ' samples of the last ' + minutes + ' min from Kafka';
        this.render(Date.now());
      }
    } catch (e) {
      document.getElementById('vehicle-history-note').textContent = 'history: ' + e.message;
    }
  }

  async loadStats(id) {
    if (!id || !this.api) {
      return;
    }
    try {
      const rows = await this.api.stats(id, 15);
      this.stats = { id, rows, at: Date.now() };
    } catch (e) {
      this.stats = { id, rows: [], at: Date.now(), error: e.message };
    }
  }

  renderStats(now) {
    if (this.stats && this.stats.id === this.id && now - this.stats.at > 30000) {
      this.stats.at = now; // one reload at a time
      this.loadStats(this.id);
    }
    const body = document.querySelector('#vehicle-stats tbody');
    const rows = this.stats && this.stats.id === this.id ? this.stats.rows.slice(-15).reverse() : [];
    body.replaceChildren(...rows.map((r) => {
      const tr = document.createElement('tr');
      for (const text of [new Date(r.windowStart).toLocaleTimeString(), r.count, num(r.speedAvg), num(r.speedMax),
        num(r.distanceMeters / 1000, 3)]) {
        const td = document.createElement('td');
        td.textContent = text;
        tr.appendChild(td);
      }
      return tr;
    }));
    document.getElementById('vehicle-stats-note').textContent = this.stats && this.stats.error
      ? 'statistics: ' + this.stats.error : rows.length ? '' : 'no statistics yet';
  }

  sendCommand() {
    const result = document.getElementById('command-result');
    if (!this.id) {
      result.textContent = 'pick a vehicle first';
      return;
    }
    const text = document.getElementById('command-text').value;
    const topic = this.fleetPrefix + '/' + this.id + '/commands';
    result.textContent = this.link.publish(topic, text) ? 'sent to ' + topic : 'not connected: not sent';
  }

  render(now) {
    if (this.store.vehicles.size !== this.knownIds) {
      this.knownIds = this.store.vehicles.size;
      this.select.replaceChildren(...this.store.sortedIds().map((id) => new Option(id, id)));
    }
    if (!this.id && this.store.vehicles.size > 0) {
      this.id = this.store.sortedIds()[0];
      this.load();
    }
    if (this.select.value !== this.id && this.id) {
      this.select.value = this.id;
    }
    const v = this.id && this.store.vehicles.get(this.id);
    if (!v) {
      return;
    }
    document.getElementById('vehicle-status').textContent =
      (v.online ? 'online' : v.online === false ? 'offline' : 'status unknown')
      + (v.lastSeen ? ', last seen ' + ago(now - v.lastSeen) : '');
    document.getElementById('vehicle-latest').textContent = v.latest
      ? FIELDS.map((f) => LABELS[f] + ' ' + v.latest[f]).join(' · ') + ' · seq ' + v.latest.seq : '';
    const past = this.past && this.past.id === this.id ? this.past.samples : null;
    if (!past) {
      document.getElementById('vehicle-history-note').textContent = 'live, with the last minutes from Kafka';
    }
    for (const field of FIELDS) {
      const c = this.charts[field];
      c.data.datasets[0].data = past
        ? past.filter((p) => typeof p[field] === 'number').map((p) => ({ x: (p.ts - now) / 1000, y: p[field] }))
        : v.history.points(field, now);
      c.data.datasets[0].label = v.id + ' ' + LABELS[field];
      c.update('none');
    }
    this.renderStats(now);
    const acks = document.getElementById('acks');
    const mine = this.store.acks.filter((a) => a.vehicle === this.id);
    acks.replaceChildren(...mine.map((a) => {
      const li = document.createElement('li');
      li.textContent = new Date(a.receivedAt).toLocaleTimeString() + ' ' + a.vehicle + ' ' + (a.ack.status || '')
        + ' ' + (a.ack.command !== undefined ? a.ack.command : JSON.stringify(a.ack));
      return li;
    }));
  }
}

function num(value, digits = 1) {
  return typeof value === 'number' ? value.toFixed(digits) : '—';
}

function chart(field) {
  return new Chart(document.getElementById('chart-' + field), {
    type: 'line',
    data: { datasets: [{ label: LABELS[field], data: [], pointRadius: 0, borderWidth: 1.5, borderColor: '#0277bd' }] },
    options: {
      animation: false,
      parsing: false,
      normalized: true,
      maintainAspectRatio: false,
      scales: {
        x: { type: 'linear', title: { display: true, text: 'seconds ago' } },
        y: { title: { display: false } },
      },
      plugins: { legend: { display: true } },
    },
  });
}
