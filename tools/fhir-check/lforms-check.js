#!/usr/bin/env node
// Screens cases in two independent FHIRPath evaluators, for the test
// tests/it/fhir_renderer.rs:
//
//   1. fhirpath.js (the engine SDC renderers use) evaluates the
//      Questionnaire's variables and computed items over each response;
//   2. the LHC-Forms renderer, in headless Chromium, loads the Questionnaire
//      with the response's answers filled in, and reports which items it
//      enables, what its read-only result items compute, and the
//      QuestionnaireResponse it produces.
//
// Usage: node lforms-check.js MANIFEST.json > RESULTS.json
// MANIFEST: {"questionnaires": {ID: Questionnaire}, "cases": [{"rule_set": ID,
//            "id": CASE, "response": QuestionnaireResponse}]}
// RESULTS:  {"fhirpath": [{rule_set, id, computed}], "lforms": [{rule_set,
//            id, enabled, shown, computed, response}]}
// where computed maps each result item's linkId to its value.
//
// Nothing here reaches the network: the page and LHC-Forms' files are
// served from this folder on 127.0.0.1, and Chromium runs with background
// networking off.
'use strict';

const fs = require('fs');
const http = require('http');
const path = require('path');
const fhirpath = require('fhirpath');
const r4 = require('fhirpath/fhir-context/r4');

const RESULT = 'sij-screen:';
const VARIABLE = 'http://hl7.org/fhir/StructureDefinition/variable';
const CALCULATED =
  'http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-calculatedExpression';

function resultItems(q) {
  const out = [];
  const walk = (items) => {
    for (const it of items || []) {
      for (const e of it.extension || []) {
        if (e.url === CALCULATED) out.push([it.linkId, e.valueExpression.expression]);
      }
      walk(it.item);
    }
  };
  walk(q.item);
  return out;
}

// The variables in order, each seeing the ones before it, then the result
// items; a value is its single element, or null when empty.
function evaluateInFhirpath(q, response) {
  const env = { resource: response };
  for (const e of q.extension || []) {
    if (e.url !== VARIABLE) continue;
    env[e.valueExpression.name] = fhirpath.evaluate(
      response, e.valueExpression.expression, env, r4);
  }
  const computed = {};
  for (const [link, expr] of resultItems(q)) {
    const v = fhirpath.evaluate(response, expr, env, r4);
    computed[link] = v.length === 0 ? null : v[0];
  }
  return computed;
}

const PAGE = `<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="/lforms/webcomponent/styles.css">
<script src="/lforms/webcomponent/assets/lib/zone.min.js"></script>
<script src="/lforms/webcomponent/runtime.js" type="module"></script>
<script src="/lforms/webcomponent/polyfills.js" type="module"></script>
<script src="/lforms/webcomponent/main.js" type="module"></script>
<script src="/lforms/fhir/R4/lformsFHIR.min.js" defer></script>
</head><body><div id="form"></div></body></html>`;

function serve() {
  const dist = path.join(__dirname, 'node_modules/lforms/dist/lforms');
  const types = { '.js': 'text/javascript', '.css': 'text/css', '.png': 'image/png' };
  const server = http.createServer((req, res) => {
    const url = decodeURIComponent(req.url.split('?')[0]);
    if (url === '/') {
      res.writeHead(200, { 'content-type': 'text/html' });
      return res.end(PAGE);
    }
    const file = path.normalize(path.join(dist, url.replace(/^\/lforms\//, '')));
    if (!file.startsWith(dist) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404);
      return res.end();
    }
    res.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

function chromiumPath() {
  for (const p of [process.env.CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser']) {
    if (p && fs.existsSync(p)) return p;
  }
  throw new Error('no Chromium found (install Debian\'s chromium, or set CHROMIUM)');
}

async function inLforms(manifest) {
  const { chromium } = require('playwright-core');
  const server = await serve();
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    if (process.env.LFORMS_DEBUG) page.on('console', (m) => process.stderr.write(`console: ${m.text()}\n`));
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    await page.waitForFunction(() => window.LForms && LForms.Util && LForms.FHIR);
    const out = [];
    for (const c of manifest.cases) {
      const q = manifest.questionnaires[c.rule_set];
      const r = await page.evaluate(async ({ q, response }) => {
        await LForms.Util.addFormToPage(q, 'form', {
          questionnaireResponse: response, fhirVersion: 'R4',
        });
        // Expressions run after the form is ready: wait until the result
        // items stop changing.
        const form = () => LForms.Util._getFormObjectInScope('#form');
        const snapshot = () => JSON.stringify(form().itemList
          .filter((i) => i.linkId.startsWith('sij-screen:')).map((i) => i.value));
        let last = null;
        for (let i = 0; i < 100; i++) {
          await new Promise((ok) => setTimeout(ok, 20));
          const now = snapshot();
          if (now === last) break;
          last = now;
        }
        const items = form().itemList;
        // Disabled by enableWhen (_skipLogicStatus) or by an
        // enableWhenExpression (_enableWhenExpVal), as LHC-Forms' own
        // isItemHidden() reads them.
        const enabled = items
          .filter((i) => i._skipLogicStatus !== 'target-disabled' && i._enableWhenExpVal !== false)
          .map((i) => i.linkId);
        // The display items of the result that are shown: the outcome
        // sentence in full (at the top and in the result), a warning per
        // red flag not ruled out, and at the top each red flag present.
        const shown = items
          .filter((i) => i.dataType === 'TITLE'
            && /^sij-screen:(top:)?(outcome-shown|red-flag-open|red-flag-present):/.test(i.linkId)
            && i._enableWhenExpVal !== false)
          .map((i) => i.linkId);
        const computed = {};
        for (const i of items) {
          if (i.linkId.startsWith('sij-screen:') && i.dataType !== 'TITLE'
              && i.dataType !== 'SECTION') {
            computed[i.linkId] = i.value === undefined || i.value === '' ? null : i.value;
          }
        }
        const back = LForms.Util.getFormFHIRData('QuestionnaireResponse', 'R4', '#form');
        return { enabled, shown, computed, response: back };
      }, { q, response: c.response });
      out.push({ rule_set: c.rule_set, id: c.id, ...r });
    }
    if (errors.length) out.push({ page_errors: errors });
    return out;
  } finally {
    await browser.close();
    server.close();
  }
}

async function main() {
  const manifest = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const results = { fhirpath: [], lforms: [] };
  for (const c of manifest.cases) {
    const q = manifest.questionnaires[c.rule_set];
    results.fhirpath.push({ rule_set: c.rule_set, id: c.id,
      computed: evaluateInFhirpath(q, c.response) });
  }
  if (process.argv[3] !== '--fhirpath-only') results.lforms = await inLforms(manifest);
  process.stdout.write(JSON.stringify(results));
}

main().catch((e) => {
  process.stderr.write(`lforms-check: ${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
