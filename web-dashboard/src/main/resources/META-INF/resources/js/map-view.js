// Map view: Leaflet with a configurable tile layer over a bundled offline base layer (land outlines,
// Natural Earth 1:110m from the world-atlas package), every vehicle as a marker at its latest position
// and its kept track (history endpoint + live telemetry) as a polyline. The offline layer lies under the
// tiles, so it shows wherever tiles do not load; with no tile URL it is the whole base map.

export class MapView {
  constructor(store, settings, onSelect) {
    this.store = store;
    this.onSelect = onSelect;
    this.map = L.map('fleet-map', { worldCopyJump: true, preferCanvas: false }).setView([52.52, 13.40], 4);
    this.map.createPane('land').style.zIndex = 150; // below the tile pane (200)
    this.markers = new Map();
    this.tracks = new Map();
    this.drawnVersion = -1;
    this.fitted = false;
    this.landFeatures = 0;
    this.loadLand();
    if (settings.tileUrl) {
      L.tileLayer(settings.tileUrl, { attribution: settings.attribution, maxZoom: 19 }).addTo(this.map);
    }
  }

  async loadLand() {
    const topology = await (await fetch('vendor/land-110m.json')).json();
    const land = topojson.feature(topology, topology.objects.land);
    this.landFeatures = land.features ? land.features.length : 1;
    L.geoJSON(land, {
      pane: 'land',
      interactive: false,
      style: { color: '#8d9aa8', weight: 1, fillColor: '#dfe6ec', fillOpacity: 1, className: 'land' },
    }).addTo(this.map);
    this.map.getContainer().style.background = '#b9d3e6';
  }

  /** Called when the view becomes visible: Leaflet measures its container only then. */
  shown() {
    this.map.invalidateSize();
  }

  render() {
    if (this.store.version === this.drawnVersion) {
      return;
    }
    this.drawnVersion = this.store.version;
    const bounds = [];
    for (const id of this.store.sortedIds()) {
      const v = this.store.vehicles.get(id);
      const track = v.history.track();
      if (track.length === 0) {
        continue;
      }
      const last = track[track.length - 1];
      bounds.push(last);
      let marker = this.markers.get(id);
      if (!marker) {
        marker = L.circleMarker(last, { radius: 6, weight: 2, className: 'vehicle-marker' }).addTo(this.map)
          .bindTooltip(id, { permanent: this.store.vehicles.size <= 30, direction: 'right' });
        marker.on('click', () => this.onSelect(id));
        this.markers.set(id, marker);
      }
      marker.setLatLng(last);
      marker.setStyle({ color: v.online === false ? '#9e9e9e' : '#0277bd' });
      let line = this.tracks.get(id);
      if (!line) {
        line = L.polyline(track, { weight: 2, color: '#d81b60', opacity: 0.8, className: 'vehicle-track' }).addTo(this.map);
        this.tracks.set(id, line);
      } else {
        line.setLatLngs(track);
      }
    }
    if (!this.fitted && bounds.length > 0) {
      this.fitted = true;
      this.map.fitBounds(L.latLngBounds(bounds).pad(0.5), { maxZoom: 13 });
    }
  }

  /** For tests and curious users: what the map shows, per vehicle. */
  snapshot() {
    const tracks = {};
    for (const [id, line] of this.tracks) {
      tracks[id] = line.getLatLngs().length;
    }
    return { landFeatures: this.landFeatures, markers: [...this.markers.keys()], tracks };
  }
}
