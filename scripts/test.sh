#!/usr/bin/env bash
# Runs the whole test suite: every GoogleTest and end-to-end test under ctest, then the same suite built
# with AddressSanitizer and UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=$(nproc)
echo "== wsk-ns3 tests (release build) =="
ctest --test-dir build --output-on-failure -j "$JOBS"
if [ "${WSK_SKIP_ASAN:-0}" != "1" ]; then
  echo "== wsk-ns3 tests under AddressSanitizer + UndefinedBehaviorSanitizer =="
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=0 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan --output-on-failure -j "$JOBS"
fi
