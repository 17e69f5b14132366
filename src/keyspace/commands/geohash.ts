// geohash.c / geohash_helper.c: the 52-bit interleaved geohash that GEOADD
// stores as a zset score, the 9-box area search and the haversine distance.
// Same double arithmetic in the same order as redis-server, so the boxes,
// the radius test and STOREDIST scores come out identical (up to the libm
// sin/cos/asin, which agree with glibc on the values we test).

export const STEP_MAX = 26;
export const LAT_MIN = -85.05112878, LAT_MAX = 85.05112878, LON_MIN = -180, LON_MAX = 180;
const D_R = Math.PI / 180.0;
const EARTH_RADIUS = 6372797.560856;
const MERCATOR_MAX = 20037726.37;

export interface Hash { bits: bigint; step: number }
interface Area { latMin: number; latMax: number; lonMin: number; lonMax: number }

const degRad = (a: number): number => a * D_R;
const radDeg = (a: number): number => a / D_R;

function spread(v: bigint): bigint {
  let x = v & 0xffffffffn;
  x = (x | (x << 16n)) & 0x0000ffff0000ffffn;
  x = (x | (x << 8n)) & 0x00ff00ff00ff00ffn;
  x = (x | (x << 4n)) & 0x0f0f0f0f0f0f0f0fn;
  x = (x | (x << 2n)) & 0x3333333333333333n;
  x = (x | (x << 1n)) & 0x5555555555555555n;
  return x;
}

function squash(v: bigint): bigint {
  let x = v & 0x5555555555555555n;
  x = (x | (x >> 1n)) & 0x3333333333333333n;
  x = (x | (x >> 2n)) & 0x0f0f0f0f0f0f0f0fn;
  x = (x | (x >> 4n)) & 0x00ff00ff00ff00ffn;
  x = (x | (x >> 8n)) & 0x0000ffff0000ffffn;
  x = (x | (x >> 16n)) & 0x00000000ffffffffn;
  return x;
}

/** geohashEncodeWGS84; null outside the valid coordinates. */
export function encode(lon: number, lat: number, step: number): Hash | null {
  if (lon > LON_MAX || lon < LON_MIN || lat > LAT_MAX || lat < LAT_MIN) return null;
  let latOff = (lat - LAT_MIN) / (LAT_MAX - LAT_MIN);
  let lonOff = (lon - LON_MIN) / (LON_MAX - LON_MIN);
  latOff *= 2 ** step;
  lonOff *= 2 ** step;
  // (uint32_t) conversion truncates toward zero
  const ilat = BigInt(Math.trunc(latOff) >>> 0), ilon = BigInt(Math.trunc(lonOff) >>> 0);
  return { bits: spread(ilat) | (spread(ilon) << 1n), step };
}

export const align52 = (h: Hash): bigint => h.bits << BigInt(52 - h.step * 2);

function decodeArea(h: Hash): Area {
  const lat = Number(squash(h.bits)), lon = Number(squash(h.bits >> 1n));
  const latScale = LAT_MAX - LAT_MIN, lonScale = LON_MAX - LON_MIN;
  const div = 2 ** h.step;
  return {
    latMin: LAT_MIN + (lat * 1.0 / div) * latScale,
    latMax: LAT_MIN + ((lat + 1) * 1.0 / div) * latScale,
    lonMin: LON_MIN + (lon * 1.0 / div) * lonScale,
    lonMax: LON_MIN + ((lon + 1) * 1.0 / div) * lonScale,
  };
}

/** decodeGeohash of a zset score: [longitude, latitude]. */
export function decodeScore(score: number): [number, number] {
  const a = decodeArea({ bits: BigInt(score), step: STEP_MAX });
  let x = (a.lonMin + a.lonMax) / 2;
  if (x > LON_MAX) x = LON_MAX;
  if (x < LON_MIN) x = LON_MIN;
  let y = (a.latMin + a.latMax) / 2;
  if (y > LAT_MAX) y = LAT_MAX;
  if (y < LAT_MIN) y = LAT_MIN;
  return [x, y];
}

const U64 = (1n << 64n) - 1n;

function move(h: Hash, dx: number, dy: number): Hash {
  let bits = h.bits;
  const shift = BigInt(64 - h.step * 2);
  if (dx !== 0) {
    let x = bits & 0xaaaaaaaaaaaaaaaan;
    const y = bits & 0x5555555555555555n;
    const zz = 0x5555555555555555n >> shift;
    if (dx > 0) x = x + (zz + 1n);
    else x = ((x | zz) - (zz + 1n)) & U64;
    x &= 0xaaaaaaaaaaaaaaaan >> shift;
    bits = x | y;
  }
  if (dy !== 0) {
    const x = bits & 0xaaaaaaaaaaaaaaaan;
    let y = bits & 0x5555555555555555n;
    const zz = 0xaaaaaaaaaaaaaaaan >> shift;
    if (dy > 0) y = y + (zz + 1n);
    else y = ((y | zz) - (zz + 1n)) & U64;
    y &= 0x5555555555555555n >> shift;
    bits = x | y;
  }
  return { bits, step: h.step };
}

export function latDistance(lat1: number, lat2: number): number {
  return EARTH_RADIUS * Math.abs(degRad(lat2) - degRad(lat1));
}

/** geohashGetDistance (haversine, with the equal-longitude shortcut of 7.0). */
export function distance(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const lon1r = degRad(lon1), lon2r = degRad(lon2);
  const v = Math.sin((lon2r - lon1r) / 2);
  if (v === 0.0) return latDistance(lat1, lat2);
  const lat1r = degRad(lat1), lat2r = degRad(lat2);
  const u = Math.sin((lat2r - lat1r) / 2);
  const a = u * u + Math.cos(lat1r) * Math.cos(lat2r) * v * v;
  return 2.0 * EARTH_RADIUS * Math.asin(Math.sqrt(a));
}

export type Shape =
  | { type: 'circle'; lon: number; lat: number; radius: number; conversion: number }
  | { type: 'box'; lon: number; lat: number; width: number; height: number; conversion: number };

/** geoWithinShape: the distance (meters) when the point is inside, else null. */
export function withinShape(s: Shape, lon: number, lat: number): number | null {
  if (s.type === 'circle') {
    const d = distance(s.lon, s.lat, lon, lat);
    return d > s.radius * s.conversion ? null : d;
  }
  const w = s.width * s.conversion, h = s.height * s.conversion;
  if (latDistance(lat, s.lat) > h / 2) return null;
  if (distance(lon, lat, s.lon, lat) > w / 2) return null;
  return distance(s.lon, s.lat, lon, lat);
}

function estimateSteps(rangeMeters: number, lat: number): number {
  if (rangeMeters === 0) return 26;
  let step = 1;
  while (rangeMeters < MERCATOR_MAX) {
    rangeMeters *= 2;
    step++;
  }
  step -= 2;
  if (lat > 66 || lat < -66) {
    step--;
    if (lat > 80 || lat < -80) step--;
  }
  if (step < 1) step = 1;
  if (step > 26) step = 26;
  return step;
}

/** geohashCalculateAreasByShapeWGS84: the 9 boxes to scan, zeroed ones as null, in Redis's order. */
export function searchBoxes(s: Shape): (Hash | null)[] {
  const halfH = s.conversion * (s.type === 'circle' ? s.radius : s.height / 2);
  const halfW = s.conversion * (s.type === 'circle' ? s.radius : s.width / 2);
  const latDelta = radDeg(halfH / EARTH_RADIUS);
  const lonDeltaTop = radDeg(halfW / EARTH_RADIUS / Math.cos(degRad(s.lat + latDelta)));
  const lonDeltaBottom = radDeg(halfW / EARTH_RADIUS / Math.cos(degRad(s.lat - latDelta)));
  const south = s.lat < 0;
  const minLon = south ? s.lon - lonDeltaBottom : s.lon - lonDeltaTop;
  const maxLon = south ? s.lon + lonDeltaBottom : s.lon + lonDeltaTop;
  const minLat = s.lat - latDelta, maxLat = s.lat + latDelta;
  let radius = s.type === 'circle' ? s.radius : Math.sqrt((s.width / 2) * (s.width / 2) + (s.height / 2) * (s.height / 2));
  radius *= s.conversion;
  let steps = estimateSteps(radius, s.lat);
  let hash = encode(s.lon, s.lat, steps)!;
  let area = decodeArea(hash);
  const n = decodeArea(move(hash, 0, 1)), so = decodeArea(move(hash, 0, -1));
  const e = decodeArea(move(hash, 1, 0)), w = decodeArea(move(hash, -1, 0));
  if (n.latMax < maxLat || so.latMin > minLat || e.lonMax < maxLon || w.lonMin > minLon) {
    if (steps > 1) {
      steps--;
      hash = encode(s.lon, s.lat, steps)!;
      area = decodeArea(hash);
    }
  }
  const nb: Record<string, Hash | null> = {
    north: move(hash, 0, 1), south: move(hash, 0, -1), east: move(hash, 1, 0), west: move(hash, -1, 0),
    north_east: move(hash, 1, 1), north_west: move(hash, -1, 1), south_east: move(hash, 1, -1), south_west: move(hash, -1, -1),
  };
  if (steps >= 2) {
    const zero = (...names: string[]) => names.forEach((k) => (nb[k] = null));
    if (area.latMin < minLat) zero('south', 'south_west', 'south_east');
    if (area.latMax > maxLat) zero('north', 'north_east', 'north_west');
    if (area.lonMin < minLon) zero('west', 'south_west', 'north_west');
    if (area.lonMax > maxLon) zero('east', 'south_east', 'north_east');
  }
  return [hash, nb.north!, nb.south!, nb.east!, nb.west!, nb.north_east!, nb.north_west!, nb.south_east!, nb.south_west!];
}
