const Ajv = require('ajv'); const yaml = require('js-yaml'); const fs = require('fs');
const [schemaPath, ...files] = process.argv.slice(2);
const ajv = new Ajv({strict: true, allErrors: true});
const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaPath, 'utf8')));
let bad = 0;
for (const f of files) {
  // YAML 1.2 core schema, as sij-screen reads: `yes`/`no` are strings.
  const data = yaml.load(fs.readFileSync(f, 'utf8'), {schema: yaml.CORE_SCHEMA});
  if (!validate(data)) { bad++; console.log(f, JSON.stringify(validate.errors, null, 1).slice(0, 800)); }
  else console.log(f, 'ok');
}
process.exit(bad ? 1 : 0);
