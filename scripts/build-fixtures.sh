#!/usr/bin/env bash
# Builds the binary test fixtures from test/fixtures/src/*.c.
#
# For every target in TARGETS and every level in OPTS it writes
#   build/fixtures/<target>-<opt>/<name>            dynamically linked, with -g
#   build/fixtures/<target>-<opt>/<name>.stripped   the same, run through strip
# and per target one statically linked program (STATIC_PROGRAM, at -O2) as
#   build/fixtures/<target>-O2/<name>.static        for running under qemu-user
# plus build/fixtures/manifest.json describing the dynamic builds.
#
# Incremental: an output is rebuilt only when it is missing or not newer than
# both its source and this script. Compiles run in parallel (FIXTURE_JOBS,
# default: number of CPUs). Exits non-zero when any compile fails.
#
# Internal use: build-fixtures.sh --job TARGET OPT PROGRAM dynamic|static
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SCRIPT="$ROOT/scripts/build-fixtures.sh"
SRC_REL="test/fixtures/src"
OUT_REL="build/fixtures"
OUT_DIR="$ROOT/$OUT_REL"
FAIL_DIR="$OUT_DIR/.failed"

OPTS=(O0 O2)
STATIC_PROGRAM="vm"
# -fdebug-prefix-map keeps the checkout location out of the debug info, so
# the fixtures are byte-identical wherever the repository lives.
CFLAGS=(-Wall -Werror -g "-fdebug-prefix-map=$ROOT=.")

# The targets (TARGETS, load_target) are shared with the other build script.
source "$ROOT/scripts/targets.sh"

# --job TARGET OPT PROGRAM KIND: one compile (plus strip for dynamic builds).
# Writes through temporary files so an interrupted run never leaves a fresh
# looking but truncated output. On failure the diagnostics go to FAIL_DIR.
run_job() {
    local target="$1" opt="$2" prog="$3" kind="$4"
    load_target "$target"
    local dir="$OUT_DIR/$target-$opt"
    local out="$dir/$prog" log tmp flags=()
    [[ -n "$T_FLAGS" ]] && read -r -a flags <<<"$T_FLAGS"
    [[ "$kind" == static ]] && { out="$out.static"; flags+=(-static); }
    tmp="$out.tmp.$$"
    log="$FAIL_DIR/$target-$opt-$prog-$kind.log"
    mkdir -p "$dir"
    cd "$ROOT"
    if ! "$T_CC" "${flags[@]}" "-$opt" "${CFLAGS[@]}" -o "$tmp" "$SRC_REL/$prog.c" >"$log" 2>&1; then
        rm -f "$tmp"
        return 1
    fi
    if [[ "$kind" == dynamic ]]; then
        if ! "$T_STRIP" -o "$out.stripped.tmp.$$" "$tmp" >>"$log" 2>&1; then
            rm -f "$tmp" "$out.stripped.tmp.$$"
            return 1
        fi
        mv -f "$tmp" "$out"
        mv -f "$out.stripped.tmp.$$" "$out.stripped"
    else
        mv -f "$tmp" "$out"
    fi
    rm -f "$log"
}

if [[ "${1:-}" == "--job" ]]; then
    shift
    run_job "$@"
    exit $?
fi

start="${EPOCHREALTIME:-$(date +%s)}"

# ---- preflight: a compiler and a strip for every target --------------------
missing_pkgs=()
missing_what=()
for entry in "${TARGETS[@]}"; do
    load_target "${entry%%|*}"
    if ! command -v "$T_CC" >/dev/null 2>&1; then
        missing_what+=("$T_CC")
        missing_pkgs+=("$T_PKG")
    elif ! command -v "$T_STRIP" >/dev/null 2>&1; then
        missing_what+=("$T_STRIP")
        if [[ "$T_STRIP" == strip ]]; then
            missing_pkgs+=(binutils)
        else
            missing_pkgs+=("binutils-${T_STRIP%-strip}")
        fi
    fi
done
if ((${#missing_what[@]})); then
    pkgs="$(printf '%s\n' "${missing_pkgs[@]}" | sort -u | tr '\n' ' ')"
    echo "build-fixtures: missing ${missing_what[*]}; install with: sudo apt-get install ${pkgs% }" >&2
    exit 1
fi

shopt -s nullglob
sources=("$ROOT/$SRC_REL"/*.c)
shopt -u nullglob
if ((${#sources[@]} == 0)); then
    echo "build-fixtures: no sources in $SRC_REL" >&2
    exit 1
fi
programs=()
for src in "${sources[@]}"; do
    prog="${src##*/}"
    prog="${prog%.c}"
    if [[ ! "$prog" =~ ^[A-Za-z0-9_]+$ ]]; then
        echo "build-fixtures: fixture name '$prog' must match [A-Za-z0-9_]+" >&2
        exit 1
    fi
    programs+=("$prog")
done
if [[ ! -f "$ROOT/$SRC_REL/$STATIC_PROGRAM.c" ]]; then
    echo "build-fixtures: STATIC_PROGRAM '$STATIC_PROGRAM' has no source" >&2
    exit 1
fi

# True when $1 exists and is newer than both the source $2 and this script.
fresh() {
    [[ -f "$1" && "$1" -nt "$2" && "$1" -nt "$SCRIPT" ]]
}

# ---- work out what is stale ------------------------------------------------
jobs=()
total=0
for entry in "${TARGETS[@]}"; do
    target="${entry%%|*}"
    for opt in "${OPTS[@]}"; do
        for prog in "${programs[@]}"; do
            src="$ROOT/$SRC_REL/$prog.c"
            out="$OUT_DIR/$target-$opt/$prog"
            total=$((total + 1))
            if ! fresh "$out" "$src" || ! fresh "$out.stripped" "$src"; then
                jobs+=("$target $opt $prog dynamic")
            fi
        done
    done
    total=$((total + 1))
    if ! fresh "$OUT_DIR/$target-O2/$STATIC_PROGRAM.static" "$ROOT/$SRC_REL/$STATIC_PROGRAM.c"; then
        jobs+=("$target O2 $STATIC_PROGRAM static")
    fi
done

failed=0
declare -A seen_logs=()
rm -rf "$FAIL_DIR"
if ((${#jobs[@]})); then
    mkdir -p "$FAIL_DIR"
    # Leftovers of an interrupted run (not safe against two concurrent runs).
    find "$OUT_DIR" -name '*.tmp.*' -type f -delete
    njobs="${FIXTURE_JOBS:-$(nproc 2>/dev/null || echo 2)}"
    # xargs exits 123 when some job failed; instead of trusting that, check
    # afterwards that every job really left fresh outputs behind.
    printf '%s\n' "${jobs[@]}" | xargs -P "$njobs" -n 4 "$BASH" "$SCRIPT" --job || true
    for job in "${jobs[@]}"; do
        read -r target opt prog kind <<<"$job"
        src="$ROOT/$SRC_REL/$prog.c"
        out="$OUT_DIR/$target-$opt/$prog"
        if [[ "$kind" == static ]]; then
            fresh "$out.static" "$src" && continue
        else
            fresh "$out" "$src" && fresh "$out.stripped" "$src" && continue
        fi
        failed=$((failed + 1))
        log="$FAIL_DIR/$target-$opt-$prog-$kind.log"
        echo "build-fixtures: FAILED $target-$opt/$prog ($kind)" >&2
        [[ -s "$log" ]] || continue
        # Print each distinct set of diagnostics once (they usually repeat
        # across targets and levels).
        text="$(<"$log")"
        if [[ -n "${seen_logs[$text]:-}" ]]; then
            echo "    (same diagnostics as ${seen_logs[$text]})" >&2
        else
            seen_logs[$text]="$target-$opt/$prog"
            sed 's/^/    /' "$log" >&2
        fi
    done
    rmdir "$FAIL_DIR" 2>/dev/null || true
fi

# ---- manifest --------------------------------------------------------------
# Paths are relative to the repository root. The O2 entry of STATIC_PROGRAM
# also carries "static". Rewritten only when its content changes; a failed
# build leaves no manifest behind, so nothing consumes a partial set.
print_manifest() {
    local entry target arch opt prog path extra first=1
    echo "["
    for entry in "${TARGETS[@]}"; do
        IFS='|' read -r target _ _ arch _ <<<"$entry"
        for opt in "${OPTS[@]}"; do
            for prog in "${programs[@]}"; do
                path="$OUT_REL/$target-$opt/$prog"
                extra=""
                if [[ "$opt" == O2 && "$prog" == "$STATIC_PROGRAM" ]]; then
                    extra=", \"static\": \"$path.static\""
                fi
                ((first)) || echo ","
                first=0
                printf '  {"target": "%s", "opt": "%s", "program": "%s", "path": "%s", "stripped": "%s", "arch": "%s"%s}' \
                    "$target" "$opt" "$prog" "$path" "$path.stripped" "$arch" "$extra"
            done
        done
    done
    printf '\n]\n'
}

manifest="$OUT_DIR/manifest.json"
mkdir -p "$OUT_DIR"
if ((failed)); then
    rm -f "$manifest"
else
    print_manifest >"$manifest.tmp.$$"
    if cmp -s "$manifest.tmp.$$" "$manifest"; then
        rm -f "$manifest.tmp.$$"
    else
        mv -f "$manifest.tmp.$$" "$manifest"
    fi
fi

end="${EPOCHREALTIME:-$(date +%s)}"
elapsed="$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')"
built=$((${#jobs[@]} - failed))
echo "build-fixtures: $built built, $((total - ${#jobs[@]})) up to date, $failed failed (${#programs[@]} programs x ${#TARGETS[@]} targets x ${#OPTS[@]} opts + ${#TARGETS[@]} static) in ${elapsed}s"
((failed == 0))
