#!/usr/bin/env bash
# GPU checks of the CUDA backend, for a session lent an H100/H200 (issue 4). One script, under
# 8 minutes: builds snn for sm_90 with plain CMake (the Python module and the C++ tests), runs
# the C++ tests and the whole pytest suite (CUDA copies included), compute-sanitizer
# (memcheck, racecheck, synccheck) on short runs of the parity networks, and the benchmark
# figures (benchmarks/gpu_figures.py), ending with a table.
#
#   bash tests/gpu_checks.sh            # logs under $OUT (device tool) or ./gpu-checks-out
# Environment: SNN_GPU_BENCH=0 skips the benchmarks; SNN_BENCH_ARGS adds arguments to them.
# Exit status 0 only if the build, the tests and the sanitizer runs passed.
set -u -o pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
out=${OUT:-$root/gpu-checks-out}
mkdir -p "$out"
py=${PYTHON:-python3}
build=$root/build/gpu-checks
start=$SECONDS
deadline=$((start + ${SNN_GPU_CHECKS_BUDGET:-465}))  # seconds for everything: under 8 minutes
status=()
failed=0

# section NAME LIMIT_S CMD...: runs CMD with a time limit, its output to $out/NAME.log and the
# last lines to the console, and notes pass/fail.
section() {
  local name=$1 limit=$2
  shift 2
  local t0=$SECONDS left=$((deadline - SECONDS))
  if ((left < 15)); then
    echo "== $name: skipped, out of time"
    status+=("$(printf '%-12s skipped (out of time)' "$name")")
    failed=$((failed + 1))
    return 1
  fi
  ((limit > left)) && limit=$left
  echo "== $name (limit ${limit} s)"
  timeout "$limit" "$@" >"$out/$name.log" 2>&1
  local rc=$?
  tail -n 15 "$out/$name.log"
  status+=("$(printf '%-12s rc=%-3s %4d s' "$name" "$rc" $((SECONDS - t0)))")
  [[ $rc -eq 0 ]] || failed=$((failed + 1))
  return $rc
}

nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.sm --format=csv,noheader || true
nvcc --version | tail -n 2
"$py" -c "import numpy, scipy, pytest, pybind11; print('python', __import__('sys').version.split()[0], 'pybind11', pybind11.__version__)"

# The build as one command line, so that `timeout` can run it.
export SNN_ROOT=$root SNN_BUILD=$build SNN_PY=$py
build_cmd='cmake -S "$SNN_ROOT" -B "$SNN_BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DSNN_ENABLE_CUDA=ON -DSNN_CUDA_ARCHITECTURES=90 -DSNN_BUILD_PYTHON=ON -DSNN_BUILD_TESTS=ON \
  -DPython_EXECUTABLE="$(command -v "$SNN_PY")" -Dpybind11_DIR="$("$SNN_PY" -m pybind11 --cmakedir)" &&
  cmake --build "$SNN_BUILD" --parallel "$(nproc)" && cp "$SNN_BUILD"/_core*.so "$SNN_ROOT/python/snn/"'
if ! section build 240 bash -c "$build_cmd"; then
  printf '%s\n' "${status[@]}"
  exit 1
fi
export PYTHONPATH=$root/python${PYTHONPATH:+:$PYTHONPATH}
"$py" -c "import snn, pprint; pprint.pprint(snn.config())"

section ctest 60 ctest --test-dir "$build" --output-on-failure --parallel 8
# pytest-xdist, where installed, spreads the suite over a few processes sharing the GPU.
xdist=()
"$py" -c "import xdist" 2>/dev/null && xdist=(-n 6)
section pytest 180 "$py" -m pytest -q -p no:cacheprovider ${xdist[@]+"${xdist[@]}"} tests -ra
# compute-sanitizer: errors fail the run. memcheck first; the benchmarks before the slower
# race and synchronisation checks, which are the first to go if time runs short.
sanitize() {
  section "$1" 60 compute-sanitizer --tool "$1" --error-exitcode 99 \
    --target-processes all "$py" tests/gpu_smoke.py 16
}
sanitize memcheck
if [[ "${SNN_GPU_BENCH:-1}" != 0 ]]; then
  # shellcheck disable=SC2086
  section bench 150 "$py" benchmarks/gpu_figures.py ${SNN_BENCH_ARGS:-}
fi
sanitize racecheck
sanitize synccheck
[[ -f "$out/bench.log" ]] && sed -n '/== CUDA figures ==/,$p' "$out/bench.log"

echo "== gpu checks: $((SECONDS - start)) s"
printf '%s\n' "${status[@]}"
[[ $failed -eq 0 ]]
