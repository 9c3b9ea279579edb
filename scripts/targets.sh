# The seven compile targets, shared by build-fixtures.sh and build-difftest.sh (sourced, not run).
#
# name | compiler | extra flags | Semblance arch | apt package of the compiler
# The x86_64 compiler is resolved by x86_64_cc below.
TARGETS=(
    "x86|i686-linux-gnu-gcc||x86|gcc-i686-linux-gnu"
    "x86_64|@x86_64||x86_64|gcc-x86-64-linux-gnu"
    "arm-thumb|arm-linux-gnueabihf-gcc|-mthumb|arm|gcc-arm-linux-gnueabihf"
    "arm-a32|arm-linux-gnueabihf-gcc|-marm|arm|gcc-arm-linux-gnueabihf"
    "aarch64|aarch64-linux-gnu-gcc||aarch64|gcc-aarch64-linux-gnu"
    "mips|mips-linux-gnu-gcc||mips|gcc-mips-linux-gnu"
    "mipsel|mipsel-linux-gnu-gcc||mipsel|gcc-mipsel-linux-gnu"
)

# x86_64-linux-gnu-gcc if present, else plain gcc when it targets x86-64.
x86_64_cc() {
    if command -v x86_64-linux-gnu-gcc >/dev/null 2>&1; then
        echo x86_64-linux-gnu-gcc
    elif command -v gcc >/dev/null 2>&1 && [[ "$(gcc -dumpmachine)" == x86_64-* ]]; then
        echo gcc
    else
        echo x86_64-linux-gnu-gcc
    fi
}

# Sets T_NAME T_CC T_FLAGS T_ARCH T_PKG T_STRIP for the target named $1 (`i686` names x86).
load_target() {
    local entry want="$1"
    [[ "$want" == i686 ]] && want=x86
    for entry in "${TARGETS[@]}"; do
        IFS='|' read -r T_NAME T_CC T_FLAGS T_ARCH T_PKG <<<"$entry"
        if [[ "$T_NAME" == "$want" ]]; then
            [[ "$T_CC" == "@x86_64" ]] && T_CC="$(x86_64_cc)"
            T_STRIP="${T_CC%gcc}strip"
            return 0
        fi
    done
    echo "$(basename "$0" .sh): unknown target '$1'" >&2
    return 1
}
