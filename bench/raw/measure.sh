#!/bin/sh
# Runs the ipvs-raw benchmark table in one boot of the test kernel (as root):
#   cc -O2 -Wall -Wextra -o /tmp/ipvs-raw bench/raw/ipvs-raw.c
#   node test/harness/run.mjs exec -- sh bench/raw/measure.sh /tmp/ipvs-raw
# Every measured create runs in a fresh network namespace: after a flush the
# kernel keeps the old destinations in its per-netns "dest trash" for ~3
# minutes and every NEW_DEST scans that list, so a create that follows a flush
# in the same namespace measures the trash, not the create (see README.md).
set -u
BIN=${1:-/tmp/ipvs-raw}
N=${N:-10000} D=${D:-4} REPS=${REPS:-3}
modprobe ip_vs 2>/dev/null
# A fresh namespace needs lo up (IPv4 dests must be unicast per its routing table)
# and one tiny warm-up create (its estimator kthread starts with the first service).
fresh() {
	unshare -n sh -c 'ip link set lo up; "$0" create 1 1 >/dev/null 2>&1; "$0" flush >/dev/null; "$@"' "$BIN" "$@"
	sleep 2   # let the previous namespace's teardown finish on UML's one CPU
}

echo "## verify"
unshare -n sh -c "ip link set lo up; $BIN create $N $D 2>/dev/null; \
	echo TCP=\$(ipvsadm -Ln | grep -c TCP) Masq=\$(ipvsadm -Ln | grep -c Masq); \
	ipvsadm -Sn | grep -F ' 10.1.0.1:80 ' | head -2; ipvsadm -Sn > /tmp/ipvs-raw-rules.txt"
sleep 2

# UML faults guest memory in on first use: prime it so the first rows are not penalised.
fresh "$BIN" create "$N" "$D" >/dev/null 2>&1; fresh "$BIN" create "$N" "$D" >/dev/null 2>&1

echo "## create"
for w in 1 16 256 1024 4096; do
	for ack in each last; do
		for r in $(seq "$REPS"); do fresh "$BIN" create "$N" "$D" --window $w --ack $ack 2>/dev/null; done
	done
	[ $w -gt 1 ] && for r in $(seq "$REPS"); do
		printf 'recvmmsg '; fresh "$BIN" create "$N" "$D" --window $w --ack each --recvmmsg 2>/dev/null
	done
done

echo "## dump"
fresh sh -c "$BIN create $N $D >/dev/null 2>&1; for r in \$(seq $REPS); do \
	$BIN dump; printf 'recvmmsg '; $BIN dump --recvmmsg; done"

echo "## ipvsadm"
for r in $(seq "$REPS"); do
	fresh sh -c 't0=$(date +%s%N); ipvsadm -R < /tmp/ipvs-raw-rules.txt; t1=$(date +%s%N);
		ipvsadm -Ln --stats --exact > /dev/null; t2=$(date +%s%N);
		echo "ipvsadm-R seconds=$(((t1 - t0) / 1000000))e-3 ipvsadm-Ln-stats seconds=$(((t2 - t1) / 1000000))e-3"'
done

echo "## same namespace, flush between creates (dest trash)"
for r in $(seq "$REPS"); do "$BIN" create "$N" "$D" 2>/dev/null; done
"$BIN" flush >/dev/null
