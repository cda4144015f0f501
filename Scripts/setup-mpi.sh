#!/usr/bin/env bash
# Installs Open MPI's launcher and runtime (Debian openmpi-bin, which brings libopenmpi3) when
# missing, for data-parallel training (`mpirun -np N calm train ...`) and its tests. calm loads
# libmpi at run time, so neither building nor single-process use needs this. Safe to run again.
set -euo pipefail

if ! dpkg-query -W -f='${Status}' openmpi-bin 2>/dev/null | grep -q "install ok installed"; then
    echo "setup-mpi: installing openmpi-bin"
    sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq openmpi-bin >/dev/null
fi
