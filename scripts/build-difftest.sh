#!/usr/bin/env bash
# Builds the differential test suite (test/difftest) for every target and
# optimisation level:
#   build/difftest/<target>-<opt>/suite     statically linked, with -g
# The suite runs natively under qemu-user and, function by function, in
# Semblance's interpreter; scripts/difftest.ts compares the two.
#
# Usage: build-difftest.sh [TARGETS] [OPTS]
#   TARGETS  comma-separated target names, or "all" (default)
#            x86 x86_64 arm-thumb arm-a32 aarch64 mips mipsel  (i686 = x86)
#   OPTS     comma-separated levels, or "all" (default): O0 O1 O2 O3 Os
#
# Incremental: a suite is rebuilt only when it is missing or older than one of
# the sources, headers or this script. Compiles run in parallel (DIFFTEST_JOBS,
# default 2). Exits non-zero, printing the diagnostics, when a compile fails.
#
# Internal use: build-difftest.sh --job TARGET OPT
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SCRIPT="$ROOT/scripts/build-difftest.sh"
SRC_REL="test/difftest"
OUT_DIR="$ROOT/build/difftest"
FAIL_DIR="$OUT_DIR/.failed"

ALL_OPTS=(O0 O1 O2 O3 Os)
# -fno-tree-loop-distribute-patterns and -fno-builtin keep GCC from turning
#   loops into memset/memcpy calls: the static libc's versions are IFUNCs with
#   SIMD bodies, and the interpreter runs only the function under test.
# -fno-stack-protector: no canary read through the TLS pointer.
# -fno-tree-vectorize: Semblance's IR treats vector arithmetic as opaque by
#   design, so a vectorised loop could not be compared exactly; data movement
#   through vector registers (struct copies, spills) is still exercised.
# -fdebug-prefix-map keeps the checkout location out of the debug info.
CFLAGS=(-static -g -fno-tree-loop-distribute-patterns -fno-builtin -fno-stack-protector
    -fno-tree-vectorize -Wall -Wextra -Wno-unused-parameter -Werror "-fdebug-prefix-map=$ROOT=.")

# The targets (TARGETS, load_target) are shared with the other build script.
source "$ROOT/scripts/targets.sh"


# --job TARGET OPT: one compile, through a temporary file so an interrupted
# run never leaves a fresh-looking truncated suite.
run_job() {
    local target="$1" opt="$2" flags=() srcs
    load_target "$target"
    cd "$ROOT"
    srcs=("$SRC_REL/harness.c" "$SRC_REL"/src/*.c)
    local dir="$OUT_DIR/$target-$opt"
    local out="$dir/suite" tmp="$dir/suite.tmp.$$" log="$FAIL_DIR/$target-$opt.log"
    [[ -n "$T_FLAGS" ]] && read -r -a flags <<<"$T_FLAGS"
    mkdir -p "$dir"
    if ! "$T_CC" "${flags[@]}" "-$opt" "${CFLAGS[@]}" -o "$tmp" "${srcs[@]}" >"$log" 2>&1; then
        rm -f "$tmp"
        return 1
    fi
    mv -f "$tmp" "$out"
    rm -f "$log"
}

if [[ "${1:-}" == "--job" ]]; then
    shift
    run_job "$@"
    exit $?
fi

start="${EPOCHREALTIME:-$(date +%s)}"

# ---- selection ---------------------------------------------------------------
sel_targets=()
if [[ -z "${1:-}" || "$1" == all ]]; then
    for entry in "${TARGETS[@]}"; do sel_targets+=("${entry%%|*}"); done
else
    IFS=',' read -r -a wanted <<<"$1"
    for t in "${wanted[@]}"; do
        load_target "$t"
        sel_targets+=("$T_NAME")
    done
fi
sel_opts=()
if [[ -z "${2:-}" || "$2" == all ]]; then
    sel_opts=("${ALL_OPTS[@]}")
else
    IFS=',' read -r -a sel_opts <<<"$2"
    for o in "${sel_opts[@]}"; do
        [[ " ${ALL_OPTS[*]} " == *" $o "* ]] || { echo "build-difftest: unknown level '$o' (${ALL_OPTS[*]})" >&2; exit 1; }
    done
fi

# ---- preflight: a compiler for every selected target -------------------------
missing_pkgs=()
missing_what=()
for t in "${sel_targets[@]}"; do
    load_target "$t"
    if ! command -v "$T_CC" >/dev/null 2>&1; then
        missing_what+=("$T_CC")
        missing_pkgs+=("$T_PKG")
    fi
done
if ((${#missing_what[@]})); then
    pkgs="$(printf '%s\n' "${missing_pkgs[@]}" | sort -u | tr '\n' ' ')"
    echo "build-difftest: missing ${missing_what[*]}; install with: sudo apt-get install ${pkgs% }" >&2
    exit 1
fi

# ---- work out what is stale --------------------------------------------------
# The newest input: any source, header, this script, or the src/ folder itself
# (its time changes when a source is added or removed).
newest="$SCRIPT"
for f in "$ROOT/$SRC_REL"/*.c "$ROOT/$SRC_REL"/*.h "$ROOT/$SRC_REL"/src "$ROOT/$SRC_REL"/src/*.c; do
    [[ "$f" -nt "$newest" ]] && newest="$f"
done
jobs=()
total=0
for t in "${sel_targets[@]}"; do
    for o in "${sel_opts[@]}"; do
        total=$((total + 1))
        out="$OUT_DIR/$t-$o/suite"
        [[ -f "$out" && "$out" -nt "$newest" ]] || jobs+=("$t $o")
    done
done

failed=0
if ((${#jobs[@]})); then
    rm -rf "$FAIL_DIR"
    mkdir -p "$FAIL_DIR"
    find "$OUT_DIR" -name 'suite.tmp.*' -type f -delete
    # xargs exits 123 when a job failed; check the outputs instead.
    printf '%s\n' "${jobs[@]}" | xargs -P "${DIFFTEST_JOBS:-2}" -n 2 "$BASH" "$SCRIPT" --job || true
    declare -A seen_logs=()
    for job in "${jobs[@]}"; do
        read -r t o <<<"$job"
        out="$OUT_DIR/$t-$o/suite"
        [[ -f "$out" && "$out" -nt "$newest" ]] && continue
        failed=$((failed + 1))
        log="$FAIL_DIR/$t-$o.log"
        echo "build-difftest: FAILED $t-$o" >&2
        [[ -s "$log" ]] || continue
        text="$(<"$log")"
        if [[ -n "${seen_logs[$text]:-}" ]]; then
            echo "    (same diagnostics as ${seen_logs[$text]})" >&2
        else
            seen_logs[$text]="$t-$o"
            sed 's/^/    /' "$log" >&2
        fi
    done
    rm -rf "$FAIL_DIR"
fi

end="${EPOCHREALTIME:-$(date +%s)}"
elapsed="$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')"
echo "build-difftest: $((${#jobs[@]} - failed)) built, $((total - ${#jobs[@]})) up to date, $failed failed (${#sel_targets[@]} targets x ${#sel_opts[@]} opts) in ${elapsed}s"
((failed == 0))
