#!/usr/bin/env bash
# Sanitizer checks of snn: builds the engine, its C++ tests and the Python module once with
# AddressSanitizer and UndefinedBehaviorSanitizer (-fno-sanitize-recover=all: the first report
# aborts; float-cast-overflow added, which GCC's "undefined" leaves out), runs the ctest suite,
# then a representative part of the Python suite against that module: the package from
# python/snn with the sanitized _core beside it, first on PYTHONPATH, libasan preloaded into
# the (uninstrumented) interpreter. Every report is also written under the work directory, and
# any report fails the checks, even one from a child process whose exit a test tolerated.
#
# Leak checking is on for the C++ tests and off for Python (ASAN_OPTIONS=detect_leaks=0):
# CPython's own allocations at exit would drown any report of ours.
#
# Needs cmake (>= 3.24), ninja, GCC with libasan/libubsan, and a Python with numpy, pytest,
# hypothesis, scipy and pybind11 (for its CMake files). Environment:
#   SNN_JOBS         parallel build jobs (default: number of CPUs)
#   SNN_PYTHON       the Python (default: python, else python3)
#   SNN_SANITIZE_TESTS  the pytest selection (default below)
#   SNN_KEEP_BUILD=1 keep the build tree (its path is printed)
#   SNN_SANITIZE_BUILD  an existing (kept) build tree to reuse, rebuilt incrementally
# Exit status 0 only if everything passed with no sanitizer report; the last line reads
#   sanitize checks: N passed, M failed
set -u -o pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
jobs=${SNN_JOBS:-$(nproc 2>/dev/null || echo 2)}
python=${SNN_PYTHON:-$(command -v python || command -v python3)}
# What runs under the sanitizers: validation and hostile input (in child processes too), the
# property tests, threads sharing a network, Ctrl-C, and the models, connectivity, kernels and
# inputs against the reference, and checkpoints (crafted and damaged files included).
tests=${SNN_SANITIZE_TESTS:-"test_hostile.py test_errors.py test_property.py test_interrupt.py test_models.py
  test_connectivity.py test_kernels.py test_inputs.py test_results.py test_checkpoint.py"}
name="sanitize checks"
# shellcheck source=tests/checks_common.sh
source "$root/tests/checks_common.sh"

# Reports written under $work/reports (one file per process); any file there is a failure.
reports() {
  local files
  files=$(find "$work/reports" -type f 2>/dev/null)
  [[ -z "$files" ]] && return 0
  for f in $files; do
    echo "---- $f"
    head -n 60 "$f"
  done
  rm -f $files
  return 1
}

flags="-fsanitize=address,undefined,float-cast-overflow -fno-sanitize-recover=all -fno-omit-frame-pointer"
pybind11_dir=$("$python" -m pybind11 --cmakedir 2>/dev/null) || {
  fail "pybind11 is not installed for $python (pip install pybind11)"
  finish
}
build=${SNN_SANITIZE_BUILD:-$work/build}
echo "== configure and build with $flags"
if ! cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSNN_ENABLE_CUDA=OFF -DSNN_ENABLE_MPI=OFF \
    -DSNN_BUILD_TESTS=ON -DSNN_BUILD_PYTHON=ON -DPython_EXECUTABLE="$python" -Dpybind11_DIR="$pybind11_dir" \
    -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="$flags" -DCMAKE_SHARED_LINKER_FLAGS="$flags" \
    -DCMAKE_MODULE_LINKER_FLAGS="$flags" >"$work/configure.log" 2>&1 ||
   ! cmake --build "$build" --parallel "$jobs" >"$work/build.log" 2>&1; then
  tail -n 40 "$work/configure.log" "$work/build.log" 2>/dev/null
  fail "sanitized build"
  finish
fi
echo "built in $((SECONDS - start)) s"

mkdir -p "$work/reports"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$work/reports/ubsan"

echo "== ctest (ASan + UBSan, leaks checked)"
if ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:log_path=$work/reports/asan" \
    ctest --test-dir "$build" --output-on-failure --parallel "$jobs" >"$work/ctest.log" 2>&1; then
  passed=$((passed + 1))
  grep -E "tests passed" "$work/ctest.log"
else
  tail -n 40 "$work/ctest.log"
  fail "ctest under the sanitizers"
fi
reports || fail "sanitizer reports from the C++ tests"

echo "== pytest (ASan + UBSan in the interpreter, leaks not checked)"
pkg=$work/pkg
mkdir -p "$pkg"
cp -r "$root/python/snn" "$pkg/"
cp "$build"/_core*.so "$pkg/snn/"
# An editable install's import hook would load its own snn before PYTHONPATH is searched;
# this sitecustomize (imported at start-up, child processes included) drops any hook that
# finds another snn than this one.
cat >"$pkg/sitecustomize.py" <<'PY'
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def _finds_another_snn(finder):
    try:
        spec = finder.find_spec("snn", None)
    except Exception:
        return False
    return spec is not None and not (spec.origin or "").startswith(HERE)


sys.meta_path[:] = [f for f in sys.meta_path if not _finds_another_snn(f)]
PY
# libasan first; libstdc++ too, so that ASan's interceptor of __cxa_throw finds the real one
# at start-up (the interpreter does not link libstdc++: it comes later, with the module).
preload="$(gcc -print-file-name=libasan.so):$(gcc -print-file-name=libstdc++.so.6)"
run_python() {
  PYTHONPATH="$pkg" LD_PRELOAD="$preload" \
    ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:log_path=$work/reports/asan" "$python" "$@"
}
where=$(run_python -c "import snn, os; print(os.path.dirname(snn.__file__))" 2>&1)
if [[ "$where" != "$pkg/snn" ]]; then
  fail "the sanitized snn does not import from $pkg ($where)"
  finish
fi
# shellcheck disable=SC2086 # $tests is a list of files
(cd "$root/tests" && run_python -m pytest -q -p no:cacheprovider $tests) >"$work/pytest.log" 2>&1
rc=$?
grep -E "passed|failed" "$work/pytest.log" | tail -n 3
if [[ $rc -eq 0 ]]; then
  passed=$((passed + 1))
else
  tail -n 60 "$work/pytest.log"
  fail "pytest under the sanitizers"
fi
reports || fail "sanitizer reports from the Python tests"
finish
