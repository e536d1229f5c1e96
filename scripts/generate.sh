#!/usr/bin/env bash
# Generate the package into the folder given (default: generated/) from templates/ and:
#   generator-config.yaml     openapi.yaml    -> the runtime and the Airflow 2 API (/api/v1)
#   generator-config-v2.yaml  openapi-v2.yaml -> the Airflow 3 API (/api/v2), in the package's v2/
# Each run writes into a fresh temporary folder; only the package, its docs and the docs index
# are kept, so nothing stale or stock survives a regeneration.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dest=${1:-$root/generated}
generator=${OPENAPI_GENERATOR:-$root/.venv/bin/openapi-generator-cli}
ruff=${RUFF:-$root/.venv/bin/ruff}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

run() {  # run CONFIG IGNORE_FILE OUT
  mkdir -p "$3"
  cp "$root/templates/$2" "$3/.openapi-generator-ignore"
  (cd "$root" && "$generator" generate -c "$1" -o "$3" >"$3.log" 2>&1) \
    || { cat "$3.log" >&2; exit 1; }
}
run generator-config.yaml .openapi-generator-ignore "$work/v1"
if [ -f "$root/generator-config-v2.yaml" ]; then
  run generator-config-v2.yaml .openapi-generator-ignore-v2 "$work/v2"
fi

package="$work/out/airflow_python_sdk"
mkdir -p "$work/out"
cp -R "$work/v1/airflow_python_sdk" "$work/v1/docs" "$work/v1/README.md" "$work/out/"
if [ -d "$work/v2" ]; then
  cp -R "$work/v2/airflow_python_sdk/v2" "$package/"
  mkdir -p "$work/out/v2"
  cp -R "$work/v2/docs" "$work/v2/README.md" "$work/out/v2/"
fi

# Tidy the emitted code the same way every time: drop unused imports, sort them, format.
"$ruff" check --quiet --config "$root/pyproject.toml" --select F401,I --fix "$package"
"$ruff" format --quiet --config "$root/pyproject.toml" "$package"

rm -rf "$dest"
mkdir -p "$dest"
cp -R "$work/out/." "$dest/"
