#!/usr/bin/env bash
# ctest cases for the wsk-ns3 command: scenario-tests.sh BUILD_DIR CASE
set -u
build=$1; case=$2
root=$(cd "$(dirname "$0")/.." && pwd)
W="$build/wsk-ns3"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
case $case in
  two_nodes)
    out=$("$W" run "$root/scenarios/two_nodes_echo.yaml" --out "$tmp/r" --no-plots --no-progress) || fail "exit $?: $out"
    echo "$out"
    grep -q "RESULT client received=51200 verified=yes" "$tmp/r/driver.log" || fail "no verified client RESULT"
    grep -q "RESULT server mode=event callbacks=static connections=1 bytes=51200" "$tmp/r/driver.log" || fail "server RESULT"
    grep -q '"driver_errors": 0' "$tmp/r/summary.json" || fail "driver errors"
    ;;
  determinism)
    for d in a b; do
      "$W" run "$root/scenarios/dumbbell_100_echo.yaml" --set topology.left=4 --set topology.right=4 \
        --set latency.preset=typical --out "$tmp/$d" --no-plots --no-progress --quiet || fail "run $d"
    done
    "$W" run "$root/scenarios/dumbbell_100_echo.yaml" --set topology.left=4 --set topology.right=4 \
      --set latency.preset=typical --seed 2 --out "$tmp/c" --no-plots --no-progress --quiet || fail "run c"
    for f in summary.json latency.csv results.csv throughput.csv; do
      cmp "$tmp/a/$f" "$tmp/b/$f" || fail "$f differs between two runs with seed 1"
    done
    grep -q '"seed": 2' "$tmp/c/summary.json" || fail "seed 2 not recorded"
    echo "byte-identical: summary.json latency.csv results.csv throughput.csv"
    ;;
  shipped)
    "$W" run "$root/scenarios/fat_tree_k4_echo.yaml" --out "$tmp/f" --no-progress || fail "fat_tree_k4"
    "$W" run "$root/scenarios/star_1000_echo.yaml" --set topology.spokes=40 --out "$tmp/s" --no-progress || fail "star"
    test "$(grep -c 'verified=yes' "$tmp/s/results.csv")" = 40 || fail "star: 40 verified clients expected"
    for f in latency_cdf.png throughput.png; do test -s "$tmp/f/$f" || fail "no $f"; done
    "$W" quick --topo dumbbell:3 --driver right=scn_echo_server \
      --driver 'left=scn_echo_client:Server=${right_ip@index},Count=3' --duration 2 --no-out --no-progress \
      | grep -E '^left +scn_echo_client +3 +3 +0 +0 +3' || fail "quick"
    ;;
  bad_input)
    printf 'name: t\ntopology:\n  type: star\n  spokes: 3\n  lnk: {rate: 1Gbps}\n' > "$tmp/typo.yaml"
    msg=$("$W" check "$tmp/typo.yaml" 2>&1); rc=$?
    test $rc = 2 || fail "typo: exit $rc"
    echo "$msg" | grep -q "typo.yaml:5: topology.lnk: unknown field (did you mean 'link'?)" || fail "typo: $msg"
    msg=$("$W" run "$root/scenarios/two_nodes_echo.yaml" --set groups.server.driver=nope --out "$tmp/x" 2>&1); rc=$?
    test $rc = 2 || fail "driver: exit $rc"
    echo "$msg" | grep -q "unknown driver 'nope'; drivers in .*scn_echo_server" || fail "driver: $msg"
    test ! -e "$tmp/x" || fail "output dir written on bad input"
    msg=$("$W" run "$root/scenarios/two_nodes_echo.yaml" --set 'expect.clients.verified=yes' --no-out 2>&1); rc=$?
    echo "$msg" | grep -q "unknown group 'clients' (known: server, client)" || fail "group: $msg"
    mkdir "$tmp/notours"; touch "$tmp/notours/keep"
    msg=$("$W" run "$root/scenarios/two_nodes_echo.yaml" --out "$tmp/notours" 2>&1); rc=$?
    test $rc = 2 && echo "$msg" | grep -q "not a wsk-ns3 result directory" || fail "foreign out dir: $msg"
    test -e "$tmp/notours/keep" || fail "foreign dir touched"
    ls -a "$tmp" | grep -q '\.tmp-' && fail "temporary directory left behind"
    echo "bad input reported"
    ;;
  driver_error)
    "$W" quick --topo two_nodes --driver "node0=$build/drivers/drv_fail_entry.so" --duration 1 --no-out --no-progress
    rc=$?; test $rc = 1 || fail "driver error: exit $rc (expected 1)"
    ;;
  completion)
    # the conformance driver over ::1 on a two-node IPv4 topology: 4 deliberate findings, exit 0
    conf="node0=$build/drivers/drv_conformance.so:Family=23"
    out=$("$W" quick --topo two_nodes --driver "$conf" --duration 5 --out "$tmp/w" --no-plots --no-progress 2>&1)
    rc=$?; test $rc = 0 || fail "windows: exit $rc: $out"
    echo "$out" | grep -qE '^node0 +[^ ]*drv_conformance[^ ]* +1 +1 +0 +4 +5 ' || fail "windows table: $out"
    grep -q 'RESULT conformance checks=53 failed=0' "$tmp/w/driver.log" || fail "conformance failed (windows)"
    grep -q '"findings": 4' "$tmp/w/summary.json" || fail "summary findings"
    grep -q '"WskSocket STATUS_INVALID_HANDLE": 1' "$tmp/w/summary.json" || fail "findings_by_kind"
    grep -q '"completion": "windows"' "$tmp/w/summary.json" || fail "completion not recorded"
    # strict: the same findings fail the run
    "$W" quick --topo two_nodes --driver "$conf" --duration 5 --no-out --no-progress --strict >/dev/null 2>&1
    rc=$?; test $rc = 1 || fail "strict: exit $rc (expected 1)"
    # random: reproducible by seed, and the driver still conforms
    for d in r1 r2; do
      "$W" quick --topo two_nodes --driver "$conf" --duration 5 --completion random --seed 7 --out "$tmp/$d" \
        --no-plots --no-progress --quiet || fail "random $d"
    done
    # (socket addresses in findings vary with ASLR: compare what the driver observed)
    diff <(grep CONF "$tmp/r1/driver.log") <(grep CONF "$tmp/r2/driver.log") \
      || fail "random mode differs between two runs with seed 7"
    grep -q 'RESULT conformance checks=53 failed=0' "$tmp/r1/driver.log" || fail "conformance failed (random)"
    test "$(grep -c 'returned=0x00000103' "$tmp/r1/driver.log")" -lt "$(grep -c 'returned=0x00000103' "$tmp/w/driver.log")" \
      || fail "random mode pended as often as windows mode"
    msg=$("$W" quick --topo two_nodes --driver "$conf" --completion bogus --no-out 2>&1); rc=$?
    test $rc = 2 || fail "bogus mode: exit $rc"
    echo "$msg" | grep -q "completion: 'bogus' is not windows, inline or random" || fail "bogus mode: $msg"
    ;;
  udp_latency)
    # datagram sockets are stamped too: WskReceiveFromEvent (wire -> callback), WskSendTo completion, and
    # with the conformance driver WskReceiveFrom IRPs and WskSendMessages
    "$W" quick --topo two_nodes --driver "node1=$build/drivers/udp_responder.so:Port=9" \
      --driver "node0=$build/drivers/udp_requester.so:Port=9,Server=10.1.1.2,Size=64,Rate=100,Count=10" \
      --duration 2 --set latency.preset=typical --out "$tmp/u" --no-plots --no-progress --quiet || fail "udp run"
    python3 - "$tmp/u/summary.json" <<'PY' || fail "udp latency kinds"
import json, sys
k = json.load(open(sys.argv[1]))["latency_by_kind"]
assert k["receive_from_event"]["count"] == 20, k       # 10 requests at the responder, 10 replies back
assert k["receive_from_event"]["p50_ns"] > 0, k        # the typical host model delays the callback
assert k["send_to_irp"]["count"] == 20, k
print("udp kinds:", {n: v["count"] for n, v in k.items()})
PY
    test "$(grep -c ',receive_from_event,' "$tmp/u/latency.csv")" = 20 || fail "latency.csv rows"
    "$W" quick --topo two_nodes --driver "node0=$build/drivers/drv_conformance.so" --duration 3 --out "$tmp/c" \
      --no-plots --no-progress --quiet || fail "conformance run"
    python3 - "$tmp/c/summary.json" <<'PY' || fail "conformance latency kinds"
import json, sys
k = json.load(open(sys.argv[1]))["latency_by_kind"]
assert k["receive_from_irp"]["count"] == 3, k
assert k["send_messages_irp"]["count"] == 1 and k["send_to_irp"]["count"] == 1, k
assert k["accept_irp"]["count"] == 2 and k["disconnect_irp"]["count"] == 1, k  # two WskAccept IRPs, one WskDisconnect
print("conformance kinds:", sorted(k))
PY
    ;;
  *) fail "unknown case $case" ;;
esac
echo PASS
