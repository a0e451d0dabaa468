#!/usr/bin/env bash
# Seeds each fuzz target's corpus from the repository's own files.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p corpus/rule_set corpus/answers corpus/vignettes corpus/batch_rows corpus/fhir_response
cp ../rules/*.yaml ../tests/fixtures/mini.yaml ../tests/cmd/fixtures/typos.yaml corpus/rule_set/
rm -f corpus/rule_set/*.vignettes.yaml
cp ../rules/*.vignettes.yaml corpus/vignettes/
cp ../examples/cases/*.yaml corpus/answers/
cp ../tests/cmd/fixtures/cases.csv corpus/batch_rows/
printf '{"case_id":"a","saddle_anaesthesia":false,"block_count":2}\n' > corpus/batch_rows/one.jsonl
cp ../tests/fuzz-regressions/fhir_response/* corpus/fhir_response/
for c in met incomplete; do
  (cd .. && cargo run -q -- run -a "examples/cases/$c.yaml" -f fhir) > "corpus/fhir_response/$c-bundle.json"
done
