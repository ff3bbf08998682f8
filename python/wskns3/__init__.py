"""wskns3 - run Windows WSK kernel drivers on ns-3 topologies from Python.

A thin layer (Debian's python3-cffi, ABI mode) over libwskns3's C API (wsk-ns3/helper/wsk-c-api.h):

    import wskns3
    sim = wskns3.Simulation.from_topology("dumbbell:5", duration=2, seed=1)
    sim.add_group("server", "right", "scn_echo_server", {"Port": 5000})
    sim.add_group("client", "left", "scn_echo_client",
                  {"Server": "${server_ip@index}", "Port": 5000, "Count": 10}, start=0.1)
    result = sim.run()            # or sim.run(out="out/py") to also write CSV, JSON and plots
    print(result.table)
    print(result.summary["groups"]["client"]["result_fields"]["verified"])

libwskns3.so is found through $WSKNS3_LIB, else ../build/libwskns3.so next to this package. It is opened
with RTLD_GLOBAL because the drivers resolve their kernel imports (Ke*, Io*, Wsk*) from it. Each Simulation
has its own scenario and results (several can be built side by side); run() builds, runs and destroys its
ns-3 simulation, so runs happen one after the other.
"""
import json
import os

from cffi import FFI

__all__ = ["Simulation", "Result", "WskNs3Error", "library_path", "driver_dir", "version"]

_CDEF = """
typedef struct wskns3_sim wskns3_sim;
const char* wskns3_version(void);
wskns3_sim* wskns3_new(void);
void wskns3_free(wskns3_sim* sim);
const char* wskns3_last_error(wskns3_sim* sim);
int wskns3_set_driver_dir(wskns3_sim* sim, const char* dir);
const char* wskns3_driver_dir(wskns3_sim* sim);
void wskns3_reset(wskns3_sim* sim);
int wskns3_load_scenario(wskns3_sim* sim, const char* path, const char* const* overrides, int count);
int wskns3_load_scenario_text(wskns3_sim* sim, const char* yaml, const char* name, const char* const* overrides,
                              int count);
int wskns3_new_topology(wskns3_sim* sim, const char* topo, double duration_s, unsigned seed);
int wskns3_add_group(wskns3_sim* sim, const char* name, const char* nodes, const char* driver, const char* parameters,
                     double start_s);
int wskns3_set(wskns3_sim* sim, const char* key_equals_value);
int wskns3_run(wskns3_sim* sim, const char* out_dir, int progress);
const char* wskns3_summary_json(wskns3_sim* sim);
const char* wskns3_latency_csv(wskns3_sim* sim);
const char* wskns3_results_csv(wskns3_sim* sim);
const char* wskns3_log(wskns3_sim* sim);
const char* wskns3_summary_table(wskns3_sim* sim);
const char* wskns3_out_dir(wskns3_sim* sim);
unsigned wskns3_driver_errors(wskns3_sim* sim);
unsigned wskns3_findings(wskns3_sim* sim);
unsigned wskns3_node_count(wskns3_sim* sim);
const char* wskns3_scenario_source(wskns3_sim* sim);
"""

_ffi = FFI()
_ffi.cdef(_CDEF)
_lib = None
_driver_dir = None  # set by driver_dir(path): applies to Simulations created afterwards


class WskNs3Error(Exception):
    """Bad input (the message names file, line and field) or a run that could not start."""


def library_path():
    env = os.environ.get("WSKNS3_LIB")
    if env:
        return env
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.normpath(os.path.join(here, "..", "..", "build", "libwskns3.so"))


def _load():
    global _lib
    if _lib is None:
        path = library_path()
        if not os.path.exists(path):
            raise WskNs3Error("libwskns3.so not found at %s (build it, or set WSKNS3_LIB)" % path)
        _lib = _ffi.dlopen(path, _ffi.RTLD_NOW | _ffi.RTLD_GLOBAL)
    return _lib


def _s(p):
    return _ffi.string(p).decode("utf-8", "replace") if p != _ffi.NULL else ""


def _check(sim, rc):
    if rc != 0:
        raise WskNs3Error(_s(_load().wskns3_last_error(sim)))


def version():
    return _s(_load().wskns3_version())


def driver_dir(new=None):
    """The directory driver names resolve in (default <build>/drivers); driver_dir(path) sets it for the
    Simulations created afterwards."""
    global _driver_dir
    lib = _load()
    if new is not None:
        _driver_dir = os.fspath(new)
    sim = _ffi.gc(lib.wskns3_new(), lib.wskns3_free)
    if _driver_dir is not None:
        lib.wskns3_set_driver_dir(sim, _driver_dir.encode())
    return _s(lib.wskns3_driver_dir(sim))


def _overrides(sets):
    items = []
    for k, v in (sets or {}).items():
        items.append(_ffi.new("char[]", ("%s=%s" % (k, v)).encode()))
    arr = _ffi.new("const char*[]", items) if items else _ffi.NULL
    return arr, len(items), items  # keep items alive


class Result:
    """What a run produced: exit status, summary (parsed summary.json), CSV texts, log, table."""

    def __init__(self, sim, status):
        lib = _load()
        self.status = status  # 0 ok, 1 driver errors, failed expectations, or findings when strict
        self.summary_json = _s(lib.wskns3_summary_json(sim))
        self.summary = json.loads(self.summary_json) if self.summary_json else {}
        self.latency_csv = _s(lib.wskns3_latency_csv(sim))
        self.results_csv = _s(lib.wskns3_results_csv(sim))
        self.log = _s(lib.wskns3_log(sim))
        self.table = _s(lib.wskns3_summary_table(sim))
        self.out_dir = _s(lib.wskns3_out_dir(sim)) or None
        self.driver_errors = lib.wskns3_driver_errors(sim)
        self.nodes = lib.wskns3_node_count(sim)

    @property
    def ok(self):
        return self.status == 0

    @property
    def findings(self):
        """Misuse Windows answers with an error status: the total and {"WskConnect STATUS_...": count}."""
        return self.summary.get("findings", 0), self.summary.get("findings_by_kind", {})

    def results(self, group):
        """The parsed RESULT lines of a group: a list of dicts (node, ip, tag and the key=value fields)."""
        return self.summary["groups"][group]["results"]

    def latency(self, kind=None, group=None):
        """Percentiles {count, p50_ns, p90_ns, p99_ns, max_ns} per kind (or of one kind)."""
        src = self.summary["latency_by_kind"] if group is None else self.summary["groups"][group]["latency_by_kind"]
        return src if kind is None else src.get(kind)

    def __repr__(self):
        return "<wskns3.Result status=%d nodes=%d driver_errors=%d>" % (self.status, self.nodes, self.driver_errors)


class Simulation:
    """One scenario: from a YAML file or text, or built from a topology string and groups."""

    def __init__(self):
        lib = _load()
        self._sim = _ffi.gc(lib.wskns3_new(), lib.wskns3_free)
        if _driver_dir is not None:
            lib.wskns3_set_driver_dir(self._sim, _driver_dir.encode())

    @classmethod
    def from_file(cls, path, sets=None):
        sim = cls()
        arr, n, _keep = _overrides(sets)
        _check(sim._sim, _load().wskns3_load_scenario(sim._sim, os.fspath(path).encode(), arr, n))
        return sim

    @classmethod
    def from_yaml(cls, text, name="<python>", sets=None):
        sim = cls()
        arr, n, _keep = _overrides(sets)
        _check(sim._sim, _load().wskns3_load_scenario_text(sim._sim, text.encode(), name.encode(), arr, n))
        return sim

    @classmethod
    def from_topology(cls, topo, duration=10.0, seed=1):
        """topo: "two_nodes", "dumbbell:N", "star:N", "tree:D,F", "fat_tree:K", "grid:R,C", "file:FMT:PATH"."""
        sim = cls()
        _check(sim._sim, _load().wskns3_new_topology(sim._sim, topo.encode(), float(duration), int(seed)))
        return sim

    def add_group(self, name, nodes, driver, parameters=None, start=0.0):
        """nodes: a role selector ("spokes", "left[0:10]"); driver: a name in driver_dir() or a .so path;
        parameters: dict (registry values; "${server_ip}" etc. substituted)."""
        if isinstance(parameters, dict):
            parameters = ";".join("%s=%s" % (k, v) for k, v in parameters.items())
        _check(self._sim, _load().wskns3_add_group(self._sim, name.encode(), nodes.encode(), os.fspath(driver).encode(),
                                                   (parameters or "").encode(), float(start)))
        return self

    def set(self, key, value):
        """Override a scenario field, e.g. set("latency.preset", "typical")."""
        _check(self._sim, _load().wskns3_set(self._sim, ("%s=%s" % (key, value)).encode()))
        return self

    def run(self, out=None, progress=False, completion=None, strict=None):
        """completion: "windows" (default), "inline" or "random" (how WSK requests complete); strict: findings
        fail the run."""
        lib = _load()
        if completion is not None:
            self.set("completion", completion)
        if strict is not None:
            self.set("strict", "true" if strict else "false")
        rc = lib.wskns3_run(self._sim, os.fspath(out).encode() if out else _ffi.NULL, 1 if progress else 0)
        if rc == 2:
            raise WskNs3Error(_s(lib.wskns3_last_error(self._sim)))
        return Result(self._sim, rc)

    @property
    def source(self):
        """The YAML the scenario was built from (or the file path)."""
        return _s(_load().wskns3_scenario_source(self._sim))
