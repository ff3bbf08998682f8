"""pytest tests of the wskns3 package (run by ctest: python_wskns3)."""
import os

import pytest

import wskns3

REPO = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))
SCENARIOS = os.path.join(REPO, "scenarios")


def test_version_and_driver_dir():
    assert wskns3.version().startswith("wsk-ns3")
    assert os.path.isfile(os.path.join(wskns3.driver_dir(), "scn_echo_server.so"))


def test_two_nodes_from_topology():
    sim = wskns3.Simulation.from_topology("two_nodes", duration=1, seed=1)
    sim.add_group("server", "node1", "scn_echo_server", {"Port": 5000})
    sim.add_group("client", "node0", "scn_echo_client",
                  {"Server": "${server_ip}", "Port": 5000, "Count": 5, "Chunk": 100}, start=0.1)
    r = sim.run()
    assert r.ok, r.table + r.log
    assert r.nodes == 2
    (res,) = r.results("client")
    assert res["verified"] == "yes" and res["rounds"] == 5 and res["received"] == 500
    assert r.results("server")[0]["bytes"] == 500


def test_scenario_file_with_overrides_is_deterministic(tmp_path):
    sets = {"topology.left": 3, "topology.right": 3, "groups.client.parameters.Count": 4}
    a = wskns3.Simulation.from_file(os.path.join(SCENARIOS, "dumbbell_100_echo.yaml"), sets).run(out=tmp_path / "a")
    b = wskns3.Simulation.from_file(os.path.join(SCENARIOS, "dumbbell_100_echo.yaml"), sets).run(out=tmp_path / "b")
    assert a.ok and b.ok
    assert a.nodes == 8
    assert len(a.results("client")) == 3
    assert a.summary_json == b.summary_json
    for f in ("summary.json", "latency.csv", "results.csv", "throughput.csv"):
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes(), f


def test_bad_field_names_file_and_line():
    with pytest.raises(wskns3.WskNs3Error) as e:
        wskns3.Simulation.from_yaml("name: x\ntopology:\n  type: star\n  spoke: 3\ngroups: {}\n", name="bad.yaml")
    msg = str(e.value)
    assert "bad.yaml:4" in msg and "topology.spoke" in msg and "did you mean 'spokes'" in msg


def test_unknown_driver_lists_known():
    sim = wskns3.Simulation.from_topology("star:2", duration=1)
    sim.add_group("server", "hub", "no_such_driver")
    with pytest.raises(wskns3.WskNs3Error) as e:
        sim.run()
    assert "unknown driver 'no_such_driver'" in str(e.value) and "scn_echo_server" in str(e.value)


def test_unknown_group_variable_lists_known():
    sim = wskns3.Simulation.from_topology("star:2", duration=1)
    sim.add_group("client", "spokes", "scn_echo_client", {"Server": "${srever_ip}"})
    with pytest.raises(wskns3.WskNs3Error) as e:
        sim.run()
    assert "${srever_ip}" in str(e.value) and "${client_ip}" in str(e.value)


def test_driver_error_gives_status_1():
    drv = os.path.join(wskns3.driver_dir(), "drv_fail_entry.so")
    if not os.path.exists(drv):
        pytest.skip("drv_fail_entry not built")
    sim = wskns3.Simulation.from_topology("two_nodes", duration=1)
    sim.add_group("bad", "node0", drv)
    r = sim.run()
    assert r.status == 1 and r.summary["groups"]["bad"]["loaded"] == 0


def _conformance(**run_args):
    sim = wskns3.Simulation.from_topology("two_nodes", duration=3, seed=5)
    sim.add_group("conf", "node0", os.path.join(wskns3.driver_dir(), "drv_conformance.so"), {"Family": 23})
    return sim.run(**run_args)


def test_completion_modes_findings_and_strict():
    w = _conformance()
    assert w.ok, w.table + w.log
    assert w.summary["completion"] == "windows"
    assert "RESULT conformance checks=53 failed=0" in w.log
    total, by_kind = w.findings
    assert total == 4 and by_kind["WskSocket STATUS_INVALID_HANDLE"] == 1
    inline = _conformance(completion="inline")
    assert inline.summary["completion"] == "inline" and "failed=0" in inline.log
    assert inline.log.count("returned=0x00000103") < w.log.count("returned=0x00000103")
    r1, r2 = _conformance(completion="random"), _conformance(completion="random")
    conf = lambda r: [l for l in r.log.splitlines() if "CONF " in l]
    assert conf(r1) == conf(r2) and "failed=0" in r1.log
    strict = _conformance(completion="windows", strict=True)
    assert strict.status == 1 and not strict.ok


def test_two_simulations_side_by_side_keep_their_own_scenarios():
    a = wskns3.Simulation.from_topology("two_nodes", duration=1, seed=1)
    a.add_group("server", "node1", "scn_echo_server", {"Port": 5000})
    a.add_group("client", "node0", "scn_echo_client", {"Server": "${server_ip}", "Port": 5000, "Count": 2}, start=0.1)
    b = wskns3.Simulation.from_topology("dumbbell:3", duration=1, seed=2)
    b.add_group("server", "right", "scn_echo_server", {"Port": 6000})
    b.add_group("client", "left", "scn_echo_client",
                {"Server": "${server_ip@index}", "Port": 6000, "Count": 3}, start=0.1)
    ra = a.run()
    rb = b.run()
    ra2 = a.run()
    assert ra.ok and rb.ok and ra2.ok, ra.table + rb.table
    assert ra.nodes == 2 and rb.nodes == 8 and ra2.nodes == 2
    assert [r["rounds"] for r in ra.results("client")] == [2]
    assert [r["rounds"] for r in rb.results("client")] == [3, 3, 3]
    assert ra.summary_json == ra2.summary_json  # a's second run is a's, untouched by b
