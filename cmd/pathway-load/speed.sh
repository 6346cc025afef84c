#!/bin/sh
# speed.sh measures the README's "Speed" figures in one run: the SQLite
# driver alone, PocketBase and Pathway, each loaded by pathway-load from the
# same machine, one after the other.
#
#   sh cmd/pathway-load/speed.sh            # from the repository's root
#
# Settings (environment): OUT (work folder, default /tmp/pathway-speed),
# DURATION (each short load, default 8s), MIXED (the mixed load, default
# 60s), CONNECTIONS (default 64), PATHWAY_PORT (18100), PB_PORT (18190).
# It builds both commands, loads the demo organisation into a new
# database, installs PocketBase v0.39.11 into $OUT/pb if it is not there,
# starts both servers, runs every load, prints the ratios and stops the
# servers it started.
set -eu

OUT=${OUT:-/tmp/pathway-speed}
DURATION=${DURATION:-8s}
MIXED=${MIXED:-60s}
CONNECTIONS=${CONNECTIONS:-64}
PATHWAY_PORT=${PATHWAY_PORT:-18100}
PB_PORT=${PB_PORT:-18190}

mkdir -p "$OUT"
go build -o "$OUT/pathway" ./cmd/pathway
go build -o "$OUT/pathway-load" ./cmd/pathway-load
[ -x "$OUT/pb/base" ] || GOBIN="$OUT/pb" go install github.com/pocketbase/pocketbase/examples/base@v0.39.11

rm -rf "$OUT/demo.db" "$OUT/demo.db-"* "$OUT/pbdata" "$OUT/raw.db"*
"$OUT/pathway" demo --db "$OUT/demo.db" >/dev/null
echo "a load-test password" | "$OUT/pathway" user add --db "$OUT/demo.db" --email load@example.org --role admin --password-stdin >/dev/null
TOKEN=$("$OUT/pathway" token issue --db "$OUT/demo.db" --email load@example.org --name load)
"$OUT/pb/base" superuser upsert pb@example.org pb-load-password --dir "$OUT/pbdata" >/dev/null

"$OUT/pathway" serve --db "$OUT/demo.db" --addr "127.0.0.1:$PATHWAY_PORT" --log-format text 2>"$OUT/pathway.log" &
PATHWAY_PID=$!
"$OUT/pb/base" serve --dev=false --http "127.0.0.1:$PB_PORT" --dir "$OUT/pbdata" >"$OUT/pb.log" 2>&1 &
PB_PID=$!
trap 'kill $PATHWAY_PID $PB_PID 2>/dev/null || true' EXIT
sleep 2

load() {
	echo
	uptime
	"$OUT/pathway-load" -connections "$CONNECTIONS" "$@" | tee -a "$OUT/results.txt"
}
: >"$OUT/results.txt"
pathway() { load -url "http://127.0.0.1:$PATHWAY_PORT" -token "$TOKEN" -pid "$PATHWAY_PID" "$@"; }
pocketbase() { load -target pocketbase -url "http://127.0.0.1:$PB_PORT" -pb-email pb@example.org -pb-password pb-load-password -pid "$PB_PID" "$@"; }

load -target raw -db "$OUT/raw.db" -workload writes -duration "$DURATION"
pocketbase -workload writes -duration "$DURATION"
pathway -workload writes -duration "$DURATION"
pocketbase -workload list -duration "$DURATION"
pathway -workload list -duration "$DURATION"
pathway -workload one -duration "$DURATION"
pathway -workload release -duration "$DURATION"
pathway -workload suggestions -duration "$DURATION"
pathway -workload reads -duration "$DURATION"
pathway -workload mixed -duration "$MIXED"

# The ratios, from the throughput of each run's "all" line.
awk '
	/^target/ { t = $2; w = $4 }
	/^all/ { r[t " " w] = $4 + 0 }
	END {
		printf "\nPathway writes / raw driver writes: %.2f\n", r["pathway writes"] / r["raw writes"]
		printf "Pathway writes / PocketBase creates: %.2f\n", r["pathway writes"] / r["pocketbase writes"]
		printf "Pathway list of 50 / PocketBase list of 50: %.2f\n", r["pathway list"] / r["pocketbase list"]
	}' "$OUT/results.txt"
