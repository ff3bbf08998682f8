/*
 * wsk-c-api.h - a small C API over wsk-ns3's scenarios, for Python (python/wskns3, cffi ABI mode) and other
 * languages. One simulation at a time per process (ns-3's simulator is global). Strings returned stay valid
 * until the next call that changes the same result (wskns3_load_*, wskns3_add_group, wskns3_run, wskns3_reset).
 * Return values: 0 ok; -1 bad input (wskns3_last_error() says why); for wskns3_run: 0 ok, 1 driver errors or
 * failed expectations, 2 the run could not start or its results could not be written.
 * Load libwskns3.so with RTLD_GLOBAL: drivers resolve their kernel imports (Ke*, Io*, Wsk*) from it.
 */
#ifndef WSKNS3_WSK_C_API_H
#define WSKNS3_WSK_C_API_H

#ifdef __cplusplus
extern "C" {
#endif

const char* wskns3_version(void);
const char* wskns3_last_error(void);
/* where driver names resolve; default "<directory of libwskns3.so>/drivers" */
int wskns3_set_driver_dir(const char* dir);
const char* wskns3_driver_dir(void);

/* Forgets the loaded scenario and overrides. */
void wskns3_reset(void);
/* A scenario file; overrides are "key.path=value" strings (count may be 0). */
int wskns3_load_scenario(const char* path, const char* const* overrides, int count);
/* A scenario in YAML text (`name` appears in error messages). */
int wskns3_load_scenario_text(const char* yaml, const char* name, const char* const* overrides, int count);
/* A topology without a file: "two_nodes", "dumbbell:50", "star:100", "tree:3,4", "fat_tree:4", "grid:10,10",
 * "file:Inet:path"; then add groups. */
int wskns3_new_topology(const char* topo, double duration_s, unsigned seed);
/* A driver group: nodes is a selector ("spokes", "left[0:10]"), driver a name or .so path, parameters
 * "Name=Value;Name=Value" (${group_ip} etc. substituted), start in s. */
int wskns3_add_group(const char* name, const char* nodes, const char* driver, const char* parameters, double start_s);
/* Overrides applied to what was loaded or built ("latency.preset=typical", "seed=2", ...). */
int wskns3_set(const char* key_equals_value);

/* Runs the scenario; out_dir NULL or "" writes no files. */
int wskns3_run(const char* out_dir, int progress);

/* Results of the last run. */
const char* wskns3_summary_json(void);
const char* wskns3_latency_csv(void);
const char* wskns3_results_csv(void);
const char* wskns3_log(void);
const char* wskns3_summary_table(void);
const char* wskns3_out_dir(void);
unsigned wskns3_driver_errors(void);
unsigned wskns3_node_count(void);
/* The YAML the current scenario was built from (for wskns3_new_topology/add_group), or the file's path. */
const char* wskns3_scenario_source(void);

#ifdef __cplusplus
}
#endif

#endif
