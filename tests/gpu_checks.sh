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
deadline=$((start + ${SNN_GPU_CHECKS_BUDGET:-460}))  # seconds for everything: under 8 minutes
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

configure() {
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSNN_ENABLE_CUDA=ON \
    -DSNN_CUDA_ARCHITECTURES=90 -DSNN_BUILD_PYTHON=ON -DSNN_BUILD_TESTS=ON \
    -DPython_EXECUTABLE="$(command -v "$py")" -Dpybind11_DIR="$("$py" -m pybind11 --cmakedir)" &&
    cmake --build "$build" --parallel "$(nproc)" &&
    cp "$build"/_core*.so "$root/python/snn/"
}
if ! section build 240 configure; then
  printf '%s\n' "${status[@]}"
  exit 1
fi
export PYTHONPATH=$root/python${PYTHONPATH:+:$PYTHONPATH}
"$py" -c "import snn, pprint; pprint.pprint(snn.config())" | tee "$out/config.txt"

section ctest 60 ctest --test-dir "$build" --output-on-failure --parallel 8
section pytest 180 "$py" -m pytest -q -p no:cacheprovider tests -ra
# Sanitizers: leak checks off (the CUDA runtime's own allocations), errors fail the run.
for tool in memcheck racecheck synccheck; do
  section "$tool" 60 compute-sanitizer --tool "$tool" --error-exitcode 99 \
    --target-processes all "$py" tests/gpu_smoke.py 16
done
if [[ "${SNN_GPU_BENCH:-1}" != 0 ]]; then
  # shellcheck disable=SC2086
  section bench 150 "$py" benchmarks/gpu_figures.py ${SNN_BENCH_ARGS:-}
  sed -n '/== CUDA figures ==/,$p' "$out/bench.log"
fi

echo "== gpu checks: $((SECONDS - start)) s"
printf '%s\n' "${status[@]}"
[[ $failed -eq 0 ]]
