// Fleet overview: a table of vehicles (filtered, at most limits.tableRows rows) and a plot of
// every vehicle's position on a plain canvas (no map tiles are needed, or reachable offline).

export class FleetView {
  constructor(store, limits, onSelect) {
    this.store = store;
    this.limits = limits;
    this.body = document.querySelector('#fleet-table tbody');
    this.filter = document.getElementById('fleet-filter');
    this.canvas = document.getElementById('position-plot');
    this.rows = new Map(); // vehicle id -> <tr>, reused between renders
    this.selected = null;
    this.body.addEventListener('click', (e) => {
      const row = e.target.closest('tr');
      if (row) {
        onSelect(row.dataset.vehicle);
      }
    });
    this.filter.addEventListener('input', () => this.render(Date.now()));
  }

  render(now) {
    const ids = this.store.sortedIds();
    const text = this.filter.value.trim();
    const matching = text ? ids.filter((id) => id.includes(text)) : ids;
    const shown = matching.slice(0, this.limits.tableRows);
    const online = ids.filter((id) => this.store.vehicles.get(id).online).length;
    document.getElementById('fleet-count').textContent = ids.length + ' vehicles';
    document.getElementById('fleet-online').textContent = online + ' online';
    document.getElementById('fleet-shown').textContent =
      shown.length < matching.length ? 'showing ' + shown.length + ' of ' + matching.length + ' (filter to see others)' : '';

    const wanted = new Set(shown);
    for (const [id, row] of this.rows) {
      if (!wanted.has(id)) {
        row.remove();
        this.rows.delete(id);
      }
    }
    shown.forEach((id, index) => {
      const row = this.row(id);
      if (this.body.children[index] !== row) {
        this.body.insertBefore(row, this.body.children[index] || null);
      }
      fillRow(row, this.store.vehicles.get(id), now);
    });
    this.plot();
  }

  row(id) {
    let row = this.rows.get(id);
    if (!row) {
      row = document.createElement('tr');
      row.dataset.vehicle = id;
      for (const name of ['id', 'status', 'seen', 'speed', 'fuel', 'engineTemp', 'battery', 'position']) {
        const cell = document.createElement('td');
        cell.className = name;
        row.appendChild(cell);
      }
      row.cells[0].textContent = id;
      this.rows.set(id, row);
    }
    return row;
  }

  plot() {
    const ctx = this.canvas.getContext('2d');
    const { width, height } = this.canvas;
    ctx.clearRect(0, 0, width, height);
    const placed = [...this.store.vehicles.values()].filter((v) => v.latest);
    if (placed.length === 0) {
      return;
    }
    let minLat = Infinity; let maxLat = -Infinity; let minLon = Infinity; let maxLon = -Infinity;
    for (const v of placed) {
      minLat = Math.min(minLat, v.latest.lat); maxLat = Math.max(maxLat, v.latest.lat);
      minLon = Math.min(minLon, v.latest.lon); maxLon = Math.max(maxLon, v.latest.lon);
    }
    const pad = 20;
    const spanLat = Math.max(maxLat - minLat, 1e-3);
    const spanLon = Math.max(maxLon - minLon, 1e-3);
    const labels = placed.length <= 30;
    ctx.font = '10px sans-serif';
    for (const v of placed) {
      const x = pad + ((v.latest.lon - minLon) / spanLon) * (width - 2 * pad);
      const y = height - pad - ((v.latest.lat - minLat) / spanLat) * (height - 2 * pad);
      ctx.fillStyle = v.online === false ? '#9e9e9e' : v.id === this.selected ? '#d81b60' : '#0277bd';
      ctx.beginPath();
      ctx.arc(x, y, v.id === this.selected ? 6 : 3.5, 0, 2 * Math.PI);
      ctx.fill();
      if (labels) {
        ctx.fillText(v.id, x + 6, y - 4);
      }
    }
  }
}

function fillRow(row, v, now) {
  const c = row.cells;
  setText(c[1], v.online === null ? '?' : v.online ? 'online' : 'offline');
  c[1].className = 'status ' + (v.online ? 'online' : 'offline');
  setText(c[2], v.lastSeen ? ago(now - v.lastSeen) : '—');
  const t = v.latest;
  setText(c[3], t ? t.speed.toFixed(1) : '—');
  setText(c[4], t ? t.fuel.toFixed(1) : '—');
  setText(c[5], t ? t.engineTemp.toFixed(1) : '—');
  setText(c[6], t ? t.battery.toFixed(2) : '—');
  setText(c[7], t ? t.lat.toFixed(5) + ', ' + t.lon.toFixed(5) : '—');
}

/** Writes only when the text changed: untouched cells cost the browser no layout work. */
function setText(cell, text) {
  if (cell.textContent !== text) {
    cell.textContent = text;
  }
}

export function ago(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60 ? s + ' s ago' : Math.round(s / 60) + ' min ago';
}
