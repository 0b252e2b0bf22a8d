# Shared by tests/cpp_checks.sh and tests/sanitize_checks.sh, which source it after setting
# `name` (e.g. "cpp checks"): a temporary work directory ($work, kept and printed with
# SNN_KEEP_BUILD=1), the counts of passed and failed checks, fail MESSAGE, and finish, which
# prints "<name>: N passed, M failed (S s)" and exits 0 only if all of at least one passed.
work=$(mktemp -d "${TMPDIR:-/tmp}/snn-${name// /-}.XXXXXX")
if [[ "${SNN_KEEP_BUILD:-0}" == 1 ]]; then
  echo "$name: build tree kept in $work"
else
  trap 'rm -rf "$work"' EXIT
fi

passed=0
failed=0
start=$SECONDS

finish() {
  echo "$name: $passed passed, $failed failed ($((SECONDS - start)) s)"
  [[ $failed -eq 0 && $passed -gt 0 ]]
  exit $?
}

fail() {
  echo "$name: FAILED: $1" >&2
  failed=$((failed + 1))
}
