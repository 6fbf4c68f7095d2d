# Runtime options for the AddressSanitizer + UndefinedBehaviorSanitizer build (-DOBSCURA_SANITIZE=ON), sourced
# before its tests run:  . tests/sanitizers/env.sh [REPORT_DIR]
# Every test binary, and every `obscura` server an integration test spawns, inherits them.
# With REPORT_DIR each report is also written to REPORT_DIR/<tool>.<pid>: a spawned server's stderr is often
# not shown, and its exit code not always checked, so scripts/test.sh fails the run when that folder is not empty.
sanitizers_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
sanitizers_log=""
if [ -n "${1:-}" ]; then
    mkdir -p "$1"
    sanitizers_log=":log_path=$1/asan"
fi
# verify_asan_link_order=0: tests/support/fault_injection is an LD_PRELOAD library, so libasan cannot be first.
# intercept_tls_get_addr=0: GCC 12's runtime (up to GCC 13 / LLVM 16) takes a dynamic TLS block whose address
# happens to be 16 bytes into a page for a pre-2.25 glibc header and reads garbage as its bounds; LeakSanitizer's
# tracer then dies at exit ("Tracer caught signal 11", no report). Dynamic TLS comes from dlopen'd modules with
# thread-locals — glib's, since libvips is loaded with the image engine module (google/sanitizers#1322).
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:verify_asan_link_order=0:intercept_tls_get_addr=0${sanitizers_log}"
# Leaks inside uninstrumented third-party libraries only (lsan.supp says which and why).
export LSAN_OPTIONS="suppressions=$sanitizers_dir/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${sanitizers_log/asan/ubsan}"
unset sanitizers_dir sanitizers_log
