// Vehicle view: live charts of one vehicle's numeric fields, and commands with their acknowledgements.

import { FIELDS } from './fleet-store.js';
import { ago } from './fleet-view.js';

const LABELS = { speed: 'speed km/h', fuel: 'fuel %', engineTemp: 'engine °C', battery: 'battery V' };

export class VehicleView {
  constructor(store, link, fleetPrefix) {
    this.store = store;
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
    this.render(Date.now());
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
    for (const field of FIELDS) {
      const c = this.charts[field];
      c.data.datasets[0].data = v.history.points(field, now);
      c.data.datasets[0].label = v.id + ' ' + LABELS[field];
      c.update('none');
    }
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
