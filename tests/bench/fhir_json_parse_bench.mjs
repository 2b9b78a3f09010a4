// Node's JSON.parse alone on the FHIR example messages: the independent
// figure fhir_translate_bench prints beside its own.
//   node fhir_json_parse_bench.mjs DIR SECONDS
import { readFileSync } from 'node:fs';
import path from 'node:path';

const [dir, seconds = '1'] = process.argv.slice(2);
const budget = Number(seconds) * 1000;
for (const name of ['gp_decision_prescribed_bundle.json',
                    'pharmacy_dispense_bundle.json',
                    'gp_recommendation_bundle.json']) {
  const text = readFileSync(path.join(dir, name), 'utf8');
  let n = 0;
  let sink = 0;
  const start = performance.now();
  while (performance.now() - start < budget) {
    for (let i = 0; i < 256; ++i) sink += JSON.parse(text).entry.length;
    n += 256;
  }
  const rate = n / ((performance.now() - start) / 1000);
  console.log(`  node JSON.parse ${name.padEnd(36)} ${String(text.length).padStart(5)} B ${rate.toFixed(0).padStart(9)} msg/s` + (sink ? '' : ' '));
}
