#!/usr/bin/env bash
# Issue #3 figures for the distribute service: /has ingestion rate (in-process parse+insert and
# over HTTP to a real node on loopback) and heap per tracked block-replica at 5 million.
#
# Usage: bench/distribute.sh [ADDRESSES=5000000] [STREAMS=4]
set -euo pipefail
cd "$(dirname "$0")/.."
JDK="$(dirname "$(dirname "$(readlink -f "$(ls -d /usr/lib/jvm/temurin-25*/bin/java | head -1)")")")"
JAVA_HOME="$JDK" ./mvnw -o -q -B -DskipTests -pl cairn-bench -am package
CP=cairn-bench/target/cairn-benchmarks.jar
LOG=-Dlogback.configurationFile=bench/logback-quiet.xml
"$JDK/bin/java" -Xmx4g $LOG -cp $CP io.cairn.bench.distribute.HasIngestBench "${1:-5000000}" "${2:-4}"
"$JDK/bin/java" -Xmx3g $LOG -cp $CP io.cairn.bench.distribute.HoldingsMemoryBench 5000000
