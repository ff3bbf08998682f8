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
  *) fail "unknown case $case" ;;
esac
echo PASS
