#!/usr/bin/env bash
# Generate the package from openapi.yaml + templates/ into the folder given (default: generated/).
# The generator writes into a fresh temporary folder; only the package, its docs and the docs
# index are kept, so nothing stale or stock survives a regeneration.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dest=${1:-$root/generated}
generator=${OPENAPI_GENERATOR:-$root/.venv/bin/openapi-generator-cli}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cp "$root/templates/.openapi-generator-ignore" "$work/"
(cd "$root" && "$generator" generate -c generator-config.yaml -o "$work" >"$work.log" 2>&1) \
  || { cat "$work.log" >&2; rm -f "$work.log"; exit 1; }
rm -f "$work.log"

# Tidy the emitted code the same way every time: drop unused imports, sort them, format.
ruff=${RUFF:-$root/.venv/bin/ruff}
"$ruff" check --quiet --config "$root/pyproject.toml" --select F401,I --fix "$work/airflow_python_sdk"
"$ruff" format --quiet --config "$root/pyproject.toml" "$work/airflow_python_sdk"

rm -rf "$dest"
mkdir -p "$dest"
cp -R "$work/airflow_python_sdk" "$work/docs" "$work/README.md" "$dest/"
