#!/usr/bin/env bash
# Installs the Debian cross toolchains (compilers for the fixtures, objdump for the decoder
# cross-check), qemu-user (the oracle of the interpreter's differential test), what
# `semblance dataset build` needs (clang-14, the second compiler family; dpkg-dev, with which
# `apt-get source` unpacks; tcl and make, for sqlite3's amalgamation and the GNU projects) and
# the npm packages. python3-torch trains the Trex model (the tests train a tiny one);
# libopenblas0-openmp is the OpenMP OpenBLAS, which trains about 1.7x faster here than the
# pthread build. onnxruntime-node ships its CPU binaries, so its download step is skipped.
# Safe to run again. The libc6-dev packages are listed although the compilers
# recommend them: their libc.a is what the statically linked difftest suite links against.
set -euo pipefail
cd "$(dirname "$0")/.."
PKGS="gcc-i686-linux-gnu gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf gcc-mips-linux-gnu gcc-mipsel-linux-gnu binutils-x86-64-linux-gnu qemu-user libc6-dev libc6-dev-i386-cross libc6-dev-arm64-cross libc6-dev-armhf-cross libc6-dev-mips-cross libc6-dev-mipsel-cross clang-14 dpkg-dev tcl make python3-torch libopenblas0-openmp"
missing=""
for p in $PKGS; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
fi
export ONNXRUNTIME_NODE_INSTALL=skip
if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
