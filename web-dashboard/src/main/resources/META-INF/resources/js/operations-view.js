// Operations view, for users in the operations group: this edge's own $SYS figures (live, over MQTT), and
// every service's health and tributary_ metrics, fetched through the dashboard's /api/operations (the edges:
// clients and messages in/out; the mirror: its backlog and health; the connector: lag and dead letters per rule).

const SYS_KEPT = 200;
// the metric families worth a line each in the view; the rest are listed under "all metrics"
const HIGHLIGHT = /connections|clients|messages|publish|mirror|backlog|lag|dead|records|dlq|curated/;

export class OperationsView {
  constructor(api) {
    this.api = api;
    this.sys = new Map();
    this.services = [];
    this.previous = new Map(); // service + metric -> {value, at}, for rates
    this.fetchedAt = 0;
    this.error = '';
  }

  /** A $SYS message from the page's edge. */
  sysMessage(topic, text) {
    if (this.sys.has(topic) || this.sys.size < SYS_KEPT) {
      this.sys.set(topic, text);
    }
  }

  async refresh() {
    try {
      const now = Date.now();
      const services = await this.api.get('api/operations');
      for (const s of services) {
        s.rates = {};
        for (const [name, value] of Object.entries(s.metrics || {})) {
          const key = s.name + ' ' + name;
          const before = this.previous.get(key);
          if (before && name.includes('_total') && now > before.at) {
            s.rates[name] = (value - before.value) / ((now - before.at) / 1000);
          }
          this.previous.set(key, { value, at: now });
        }
      }
      this.services = services;
      this.fetchedAt = now;
      this.error = '';
    } catch (e) {
      this.error = e.message;
    }
  }

  render(now) {
    if (now - this.fetchedAt > 5000 && !this.pending) {
      this.pending = this.refresh().finally(() => { this.pending = null; });
    }
    const sys = document.getElementById('ops-sys');
    sys.replaceChildren(...[...this.sys.entries()].sort().map(([topic, value]) => row([topic, value])));
    const list = document.getElementById('ops-services');
    list.replaceChildren(...this.services.map((s) => {
      const section = document.createElement('section');
      section.className = 'service';
      section.dataset.service = s.name;
      const h = document.createElement('h3');
      h.textContent = s.name + ' ';
      const badge = document.createElement('span');
      badge.className = 'health ' + s.status.toLowerCase();
      badge.textContent = s.status;
      h.appendChild(badge);
      section.appendChild(h);
      const checks = document.createElement('p');
      checks.className = 'checks';
      checks.textContent = (s.checks || []).map((c) => c.name + ': ' + c.status).join(' · ');
      section.appendChild(checks);
      const table = document.createElement('table');
      const names = Object.keys(s.metrics || {}).filter((n) => HIGHLIGHT.test(n)).slice(0, 60);
      table.replaceChildren(...names.map((n) => row([n, format(s.metrics[n])
        + (s.rates[n] !== undefined ? '  (' + format(s.rates[n]) + '/s)' : '')])));
      section.appendChild(table);
      return section;
    }));
    document.getElementById('ops-error').textContent = this.error;
  }
}

function row(cells) {
  const tr = document.createElement('tr');
  for (const text of cells) {
    const td = document.createElement('td');
    td.textContent = text;
    tr.appendChild(td);
  }
  return tr;
}

function format(n) {
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}
