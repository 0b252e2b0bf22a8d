#!/usr/bin/env bash
# C++ checks of snn: configure and build the engine (without Python) with the ctest suite
# (tests/cpp), run it, install into a temporary prefix, then build the standalone consumer
# tests/embed against that prefix alone with find_package(snn), run it, and compare its spikes
# with the Python API's for the same seeds (tests/test_embed.py, with the installed snn
# package).
#
# Needs cmake (>= 3.24), ninja and a C++17 compiler with OpenMP, and for the last step a
# Python with snn, numpy and pytest installed. Environment:
#   SNN_ENABLE_CUDA  AUTO|ON|OFF (default OFF, to keep it fast)
#   SNN_CUDA_ARCHITECTURES  passed on to CMake when set (e.g. 90, to compile faster)
#   SNN_JOBS         parallel build/test jobs (default: number of CPUs)
#   SNN_KEEP_BUILD=1 keep the temporary build tree (its path is printed)
#   SNN_PYTHON       the Python for the comparison (default: python, else python3);
#                    SNN_PYTHON=none skips it, which is reported as a skipped check
# Exit status 0 only if everything passed; the last line reads
#   cpp checks: N passed, M failed
set -u -o pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
jobs=${SNN_JOBS:-$(nproc 2>/dev/null || echo 2)}
cuda=${SNN_ENABLE_CUDA:-OFF}
name="cpp checks"
# shellcheck source=tests/checks_common.sh
source "$root/tests/checks_common.sh"

# step WHAT CMD...: runs a build step; a failure ends the checks (later steps need it).
step() {
  local what=$1
  shift
  echo "== $what"
  if ! "$@"; then
    fail "$what"
    finish
  fi
}

for tool in cmake ninja; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    fail "$tool not found on PATH"
    finish
  fi
done

build=$work/build
prefix=$work/prefix
embed=$work/embed

arch=()
if [[ -n "${SNN_CUDA_ARCHITECTURES:-}" ]]; then arch=(-DSNN_CUDA_ARCHITECTURES="$SNN_CUDA_ARCHITECTURES"); fi
step "configure (SNN_ENABLE_CUDA=$cuda)" \
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DSNN_BUILD_TESTS=ON -DSNN_BUILD_PYTHON=OFF -DSNN_ENABLE_CUDA="$cuda" "${arch[@]}"
step "build" cmake --build "$build" --parallel "$jobs"

echo "== ctest"
ctest --test-dir "$build" --output-on-failure --parallel "$jobs" 2>&1 | tee "$work/ctest.log"
ctest_rc=${PIPESTATUS[0]}
summary=$(grep -E 'tests passed' "$work/ctest.log" | tail -n 1)
total=$(sed -nE 's/.* out of ([0-9]+).*/\1/p' <<<"$summary")
bad=$(sed -nE 's/.* ([0-9]+) tests? failed out of.*/\1/p' <<<"$summary")
bad=${bad:-0}
if [[ -z "$total" || "$total" -eq 0 ]]; then
  fail "ctest ran no tests (rc $ctest_rc)"
else
  passed=$((passed + total - bad))
  failed=$((failed + bad))
  # A non-zero exit with no failed test (e.g. a crash of ctest itself) still fails.
  if [[ $ctest_rc -ne 0 && $bad -eq 0 ]]; then failed=$((failed + 1)); fi
fi

step "install into $prefix" cmake --install "$build" --prefix "$prefix"
# Only the install prefix is searched: nothing from the build tree or this checkout.
step "configure tests/embed against the installed prefix" \
  cmake -S "$root/tests/embed" -B "$embed" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
step "build tests/embed" cmake --build "$embed" --parallel "$jobs"
for app in snn_embed_demo readme_example; do
  echo "== run tests/embed: $app"
  if "$embed/$app"; then
    passed=$((passed + 1))
  else
    fail "$app"
  fi
done

if [[ -x "$embed/snn_mpi_demo" ]]; then
  if command -v mpirun > /dev/null; then
    for n in 1 2 3; do
      echo "== run tests/embed: snn_mpi_demo on $n processes"
      if OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 \
          timeout 300 mpirun --oversubscribe -n "$n" "$embed/snn_mpi_demo"; then
        passed=$((passed + 1))
      else
        fail "snn_mpi_demo on $n processes"
      fi
    done
  else
    fail "snn was built with MPI but there is no mpirun to run snn_mpi_demo"
  fi
fi

echo "== tests/embed vs the Python API (tests/test_embed.py)"
python=${SNN_PYTHON:-}
if [[ -z "$python" ]]; then
  python=$(command -v python || command -v python3 || echo none)
fi
if [[ "$python" == none ]]; then
  echo "cpp checks: SKIPPED: comparison with the Python API (SNN_PYTHON=none or no python)"
elif SNN_EMBED_DEMO="$embed/snn_embed_demo" "$python" -m pytest -q -p no:cacheprovider \
    "$root/tests/test_embed.py"; then
  passed=$((passed + 1))
else
  fail "tests/test_embed.py (with $python)"
fi

finish
