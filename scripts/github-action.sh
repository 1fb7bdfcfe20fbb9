#!/usr/bin/env bash
# The run step of action.yml: audit the checked-out repository, the Markdown report into the job
# summary, SARIF into INPUT_SARIF when asked, and the exit code of the audit (per INPUT_FAIL_ON).
# Tests run it with a fake GITHUB_WORKSPACE and GITHUB_STEP_SUMMARY; AUDITOR names the command.
set -uo pipefail

workspace="${INPUT_PATH:-}"
workspace="${workspace:-${GITHUB_WORKSPACE:?GITHUB_WORKSPACE is not set}}"
summary="${GITHUB_STEP_SUMMARY:?GITHUB_STEP_SUMMARY is not set}"
read -r -a auditor <<< "${AUDITOR:-auditor}"
policy=()
[ -n "${INPUT_FAIL_ON:-}" ] && policy=(--fail-on "$INPUT_FAIL_ON")

"${auditor[@]}" audit "$workspace" --format markdown "${policy[@]}" >> "$summary"
status=$?
if [ "$status" -ge 2 ]; then
  echo "auditor could not audit $workspace (exit $status)" >&2
  exit "$status"
fi
if [ -n "${INPUT_SARIF:-}" ]; then
  "${auditor[@]}" audit "$workspace" --format sarif --fail-on never > "$INPUT_SARIF" || exit 2
  echo "SARIF written to $INPUT_SARIF"
fi
exit "$status"
