#!/usr/bin/env node
// The exported Questionnaire, evaluated outside sij-screen, for the
// differential harness (tests/it/differential):
//
//   1. fhirpath.js (the FHIRPath engine SDC renderers use) evaluates the
//      Questionnaire's variables, in order, over each response: the
//      criteria (c<i>...) and the outcome sentence;
//   2. an R4 enableWhen evaluator written here from the specification
//      (independently of sij-screen's skip logic) says which questions a
//      renderer would enable; an item with an SDC enableWhenExpression is
//      enabled when fhirpath.js says the expression is true.
//
// Usage: node fhirpath-eval.js MANIFEST.json > RESULTS.json
// MANIFEST: {"questionnaire": Questionnaire, "responses": [QuestionnaireResponse]}
// RESULTS:  [{"variables": {name: value or null}, "enabled": [linkId]}]
'use strict';

const fs = require('fs');
const fhirpath = require('fhirpath');
const r4 = require('fhirpath/fhir-context/r4');

const VARIABLE = 'http://hl7.org/fhir/StructureDefinition/variable';
const ENABLE_WHEN_EXPRESSION =
  'http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-enableWhenExpression';

// Each expression is parsed once, then evaluated over every response
// (parsing dominated: a rule set's expressions can be long).
const compiled = new Map();
function evaluate(response, expression, env) {
  if (!compiled.has(expression)) compiled.set(expression, fhirpath.compile(expression, r4));
  return compiled.get(expression)(response, env);
}

function variables(q, response) {
  const env = { resource: response };
  const out = {};
  for (const e of q.extension || []) {
    if (e.url !== VARIABLE) continue;
    const name = e.valueExpression.name;
    env[name] = evaluate(response, e.valueExpression.expression, env);
    out[name] = env[name].length === 0 ? null : env[name][0];
  }
  return { env, out };
}

// Every answer of each linkId in the response, wherever it is nested.
function answersByLink(response) {
  const map = new Map();
  const walk = (items) => {
    for (const it of items || []) {
      if (it.answer) map.set(it.linkId, it.answer);
      walk(it.item);
    }
  };
  walk(response.item);
  return map;
}

// The value of an answer or an enableWhen's answer[x], comparable.
function valueOf(obj, prefix) {
  for (const [k, v] of Object.entries(obj)) {
    if (!k.startsWith(prefix)) continue;
    if (k.endsWith('Coding')) return { coding: `${v.system || ''}|${v.code}` };
    if (k.endsWith('Boolean')) return { bool: v };
    return { number: v };
  }
  return null;
}

// R4: an enableWhen holds when any answer of its question meets it;
// `exists` compares whether there is an answer; `!=` holds when no answer
// equals (so also when there is none). Answers of a disabled question do
// not count.
function holds(cond, answers) {
  const list = answers.get(cond.question) || [];
  const want = valueOf(cond, 'answer');
  if (cond.operator === 'exists') return (list.length > 0) === want.bool;
  const vals = list.map((a) => valueOf(a, 'value')).filter((v) => v);
  const eq = (v) =>
    (v.coding !== undefined && v.coding === want.coding) ||
    (v.number !== undefined && v.number === want.number) ||
    (v.bool !== undefined && v.bool === want.bool);
  switch (cond.operator) {
    case '=': return vals.some(eq);
    case '!=': return !vals.some(eq);
    case '>': return vals.some((v) => v.number > want.number);
    case '<': return vals.some((v) => v.number < want.number);
    case '>=': return vals.some((v) => v.number >= want.number);
    case '<=': return vals.some((v) => v.number <= want.number);
    default: throw new Error(`operator ${cond.operator}`);
  }
}

// The enabled question items, in document order; a disabled item's
// answers are removed before later items are decided.
function enabled(q, response, env) {
  const answers = answersByLink(response);
  const out = [];
  const walk = (items, parentEnabled) => {
    for (const it of items || []) {
      let on = parentEnabled;
      if (on && it.enableWhen) {
        const results = it.enableWhen.map((c) => holds(c, answers));
        on = it.enableBehavior === 'any' ? results.some((x) => x) : results.every((x) => x);
      }
      for (const e of it.extension || []) {
        if (on && e.url === ENABLE_WHEN_EXPRESSION) {
          const v = evaluate(response, e.valueExpression.expression, env);
          on = v.length === 1 && v[0] === true;
        }
      }
      if (!on) answers.delete(it.linkId);
      if (on && it.type !== 'group' && it.type !== 'display') out.push(it.linkId);
      walk(it.item, on);
    }
  };
  walk(q.item, true);
  return out;
}

const manifest = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const results = manifest.responses.map((response) => {
  const { env, out } = variables(manifest.questionnaire, response);
  return { variables: out, enabled: enabled(manifest.questionnaire, response, env) };
});
process.stdout.write(JSON.stringify(results));
