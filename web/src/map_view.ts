// The map (/map): every photo with a position as a clustered marker (Leaflet + leaflet.markercluster, bundled), the
// tiles from the server's server.mapTileUrl, a click on a marker opening that photo in the viewer, and below the
// map "photos in this area": the markers inside the current view, as a grid that opens the viewer too.
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import 'leaflet.markercluster';
import 'leaflet.markercluster/dist/MarkerCluster.css';
import { get } from './api';
import { h, icon } from './dom';
import { AssetGrid } from './grid';
import { cleanup, onLeave } from './shell';
import type { Asset, ServerFeatures, User } from './types';
import { showWithUpload } from './upload';
import { openViewer } from './viewer';
import './finding.css'; // also imported by the timeline's memories

export interface MapMarker {
  id: string;
  lat: number;
  lon: number;
}

const AREA_PAGE = 30; // assets fetched per page of the area's grid

// A grid over a fixed list of ids, fetched a page at a time (the viewer pages through it like any listing).
export function idGrid(ids: string[], empty: () => HTMLElement, className = ''): AssetGrid {
  const grid: AssetGrid = new AssetGrid({
    source: (cursor) => `/ids?at=${cursor ?? '0'}`, // never fetched: fetchPage reads the position
    headers: false,
    onOpen: (i) => openViewer(grid, i),
    empty,
    fetchPage: async (url) => {
      const start = Number(new URLSearchParams(url.split('?')[1] ?? '').get('at')) || 0;
      const slice = ids.slice(start, start + AREA_PAGE);
      const items = (await Promise.all(slice.map((id) => get<Asset>(`/api/assets/${id}`).catch(() => null)))).filter((a): a is Asset => a !== null);
      const next = start + AREA_PAGE < ids.length ? String(start + AREA_PAGE) : null;
      return { items, nextCursor: next };
    },
  });
  if (className) grid.element.classList.add(className);
  return grid;
}

function emptyState(title: string, text: string): HTMLElement {
  return h('div', { class: 'empty map-empty' }, icon('map'), h('h2', {}, title), h('p', {}, text));
}

export async function mapPage(user: User): Promise<void> {
  const head = h('div', { class: 'page-head' }, h('h1', {}, 'Map'));
  const main = h('main', { class: 'map-page' }, head);
  cleanup();
  showWithUpload(user, main);
  const features = await get<ServerFeatures>('/api/server/features').catch(() => ({}) as ServerFeatures);
  if (!features.map || !features.mapTileUrl) {
    main.appendChild(emptyState('No map on this server', 'The map needs a tile server: the administrator sets server.mapTileUrl.'));
    return;
  }
  const markers = await get<MapMarker[]>('/api/map/markers?withPartners=true');
  if (!markers.length) {
    main.appendChild(emptyState('No photos with a location yet', 'Photos taken with location on show up here.'));
    return;
  }
  const mapHost = h('div', { class: 'map-host', 'data-markers': String(markers.length) });
  const areaTitle = h('h2', { class: 'area-title' }, 'Photos in this area');
  const areaHost = h('div', { class: 'area-host' });
  main.append(mapHost, h('section', { class: 'map-area', 'aria-label': 'Photos in this area' }, areaTitle, areaHost));

  const osm = features.mapTileUrl.includes('openstreetmap.org');
  const map = L.map(mapHost, { worldCopyJump: true, preferCanvas: true });
  L.tileLayer(features.mapTileUrl, {
    maxZoom: 19,
    attribution: osm ? '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors' : '',
  }).addTo(map);
  const pin = L.divIcon({ className: 'map-pin', iconSize: [14, 14] });
  const cluster = L.markerClusterGroup({ chunkedLoading: true, showCoverageOnHover: false, maxClusterRadius: 60 });
  const layers = markers.map((m) => {
    const marker = L.marker([m.lat, m.lon], { icon: pin, keyboard: false, title: m.id });
    marker.on('click', () => void openOne(m.id));
    return marker;
  });
  cluster.addLayers(layers);
  map.addLayer(cluster);
  map.fitBounds(L.latLngBounds(markers.map((m) => [m.lat, m.lon] as [number, number])).pad(0.1), { maxZoom: 12 });

  // One photo from a marker: the viewer over just that photo.
  async function openOne(id: string): Promise<void> {
    const grid = idGrid([id], () => h('div'));
    await grid.start();
    openViewer(grid, 0);
  }

  let areaGrid: AssetGrid | null = null;
  let timer = 0;
  const showArea = () => {
    const bounds = map.getBounds();
    const ids = markers.filter((m) => bounds.contains([m.lat, m.lon]) || bounds.contains([m.lat, m.lon + 360]) || bounds.contains([m.lat, m.lon - 360])).map((m) => m.id);
    areaTitle.textContent = `Photos in this area (${ids.length})`;
    areaGrid?.destroy();
    areaHost.replaceChildren();
    areaGrid = idGrid(ids, () => h('div', { class: 'empty' }, h('p', {}, 'No photos in this part of the map.')), 'area-grid');
    areaHost.appendChild(areaGrid.element);
    void areaGrid.start();
  };
  map.on('moveend', () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(showArea, 250);
  });
  showArea();
  onLeave(() => {
    window.clearTimeout(timer);
    areaGrid?.destroy();
    map.remove();
  });
}
