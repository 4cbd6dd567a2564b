#!/usr/bin/env bash
# Issue #3 repair figures: the disk's sequential write rate, then a 5-node cluster (one JVM, one
# disk, node 0 the distribute service) stores UNIQUE bytes x3, the storage node holding the most
# (~3/5 of UNIQUE: 3500 MiB puts ~2 GiB on it) is stopped, and the re-replication rate is
# measured unlimited and with --repair-rate LIMIT.
#
# Usage: bench/repair.sh [UNIQUE_MIB=3500] [LIMIT_MIB_PER_S=64] [DIR=/tmp/cairn-repair-bench]
set -euo pipefail
cd "$(dirname "$0")/.."
JDK="$(dirname "$(dirname "$(readlink -f "$(ls -d /usr/lib/jvm/temurin-25*/bin/java | head -1)")")")"
JAVA_HOME="$JDK" ./mvnw -o -q -B -DskipTests -pl cairn-bench -am package
"$JDK/bin/java" -Xmx6g -Dlogback.configurationFile=bench/logback-quiet.xml \
  -cp cairn-bench/target/cairn-benchmarks.jar io.cairn.bench.distribute.RepairBench \
  "${3:-/tmp/cairn-repair-bench}" $(( ${1:-3500} << 20 )) $(( ${2:-64} << 20 ))
