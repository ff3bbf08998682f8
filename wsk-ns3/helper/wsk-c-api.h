/*
 * wsk-c-api.h - a small C API over wsk-ns3's scenarios, for Python (python/wskns3, cffi ABI mode) and other
 * languages. Each wskns3_sim handle is one simulation with its own scenario, overrides and results; handles
 * are independent (several may be built side by side), and wskns3_run builds, runs and destroys its ns-3
 * simulation, so runs happen one at a time. Strings returned stay valid until the next call on the same
 * handle that changes them (wskns3_load_*, wskns3_add_group, wskns3_run, wskns3_reset, wskns3_free).
 * Return values: 0 ok; -1 bad input (wskns3_last_error(sim) says why); for wskns3_run: 0 ok, 1 driver errors,
 * failed expectations or (strict) findings, 2 the run could not start or its results could not be written.
 * Load libwskns3.so with RTLD_GLOBAL: drivers resolve their kernel imports (Ke*, Io*, Wsk*) from it.
 */
#ifndef WSKNS3_WSK_C_API_H
#define WSKNS3_WSK_C_API_H

#ifdef __cplusplus
extern "C" {
#endif

typedef struct wskns3_sim wskns3_sim;

const char* wskns3_version(void);
wskns3_sim* wskns3_new(void);
void wskns3_free(wskns3_sim* sim);
const char* wskns3_last_error(wskns3_sim* sim);
/* where driver names resolve; default "<directory of libwskns3.so>/drivers" */
int wskns3_set_driver_dir(wskns3_sim* sim, const char* dir);
const char* wskns3_driver_dir(wskns3_sim* sim);

/* Forgets the loaded scenario and overrides (the driver directory stays). */
void wskns3_reset(wskns3_sim* sim);
/* A scenario file; overrides are "key.path=value" strings (count may be 0). */
int wskns3_load_scenario(wskns3_sim* sim, const char* path, const char* const* overrides, int count);
/* A scenario in YAML text (`name` appears in error messages). */
int wskns3_load_scenario_text(wskns3_sim* sim, const char* yaml, const char* name, const char* const* overrides,
                              int count);
/* A topology without a file: "two_nodes", "dumbbell:50", "star:100", "tree:3,4", "fat_tree:4", "grid:10,10",
 * "file:Inet:path"; then add groups. */
int wskns3_new_topology(wskns3_sim* sim, const char* topo, double duration_s, unsigned seed);
/* A driver group: nodes is a selector ("spokes", "left[0:10]"), driver a name or .so path, parameters
 * "Name=Value;Name=Value" (${group_ip} etc. substituted), start in s. */
int wskns3_add_group(wskns3_sim* sim, const char* name, const char* nodes, const char* driver, const char* parameters,
                     double start_s);
/* Overrides applied to what was loaded or built ("latency.preset=typical", "seed=2", "completion=random", ...). */
int wskns3_set(wskns3_sim* sim, const char* key_equals_value);

/* Runs the scenario; out_dir NULL or "" writes no files. */
int wskns3_run(wskns3_sim* sim, const char* out_dir, int progress);

/* Results of the handle's last run. */
const char* wskns3_summary_json(wskns3_sim* sim);
const char* wskns3_latency_csv(wskns3_sim* sim);
const char* wskns3_results_csv(wskns3_sim* sim);
const char* wskns3_log(wskns3_sim* sim);
const char* wskns3_summary_table(wskns3_sim* sim);
const char* wskns3_out_dir(wskns3_sim* sim);
unsigned wskns3_driver_errors(wskns3_sim* sim);
unsigned wskns3_findings(wskns3_sim* sim);
unsigned wskns3_node_count(wskns3_sim* sim);
/* The YAML the current scenario was built from (for wskns3_new_topology/add_group), or the file's path. */
const char* wskns3_scenario_source(wskns3_sim* sim);

#ifdef __cplusplus
}
#endif

#endif
