/*
 * krt_host.h - the one narrow interface between the C kernel runtime and the simulator host.
 *
 * The runtime (capi/runtime) implements kernel semantics; the host (wsk-ns3/model/host) provides simulated
 * time, scheduling with a node's context, coroutines for code that blocks, and the log. Nothing else in
 * the runtime knows about ns-3.
 */
#ifndef WSKNS3_KRT_HOST_H
#define WSKNS3_KRT_HOST_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct KRT_INSTANCE;
struct _KTHREAD;

/* A pending simulator event owned by a runtime object (timer, DPC, wait timeout). */
typedef struct KH_EVENT {
    void *impl; /* host-owned; NULL when nothing is pending */
} KH_EVENT;

typedef void (*KH_EVENT_FN)(void *arg);

/* Simulated time in nanoseconds since the simulation started. */
uint64_t KhNowNs(void);

/* Runs fn(arg) after delayNs with the instance entered (its node's context, DISPATCH_LEVEL on the
 * simulator's stack). A pending event must be cancelled before its owner is freed. */
void KhEventSchedule(KH_EVENT *ev, struct KRT_INSTANCE *inst, uint64_t delayNs, KH_EVENT_FN fn, void *arg);
void KhEventCancel(KH_EVENT *ev);

/* Work the instance must do at the current simulated time, after the code now running (a provider's
 * completion of a request it pended): run from a simulator event at the same time, or earlier, when a
 * thread of that instance is about to block in a wait (KhRunDeferred), so that a thread waiting for its
 * own request's completion does not hold its stack through a round of the event queue. fn runs with the
 * instance not entered; it enters itself. drop(arg) runs instead if the simulation ends first. */
void KhDefer(struct KRT_INSTANCE *inst, KH_EVENT_FN fn, KH_EVENT_FN drop, void *arg);
/* Runs the instance's deferred work now (the runtime calls it before a thread blocks); returns how many. */
size_t KhRunDeferred(struct KRT_INSTANCE *inst);

/* Coroutines: one per simulated kernel thread. */
int KhThreadCreate(struct _KTHREAD *thread, size_t stackBytes); /* 0 on success; starts via KhThreadReady */
void KhThreadReady(struct _KTHREAD *thread);   /* schedule its resumption at the current simulated time */
void KhThreadRunNow(struct _KTHREAD *thread);  /* from the host stack: run it until it first blocks or ends */
void KhThreadSuspend(void);                    /* from inside a coroutine: park until KhThreadReady */
void KhThreadExit(void) __attribute__((noreturn)); /* from inside a coroutine: finish it for good */
void KhThreadRelease(struct _KTHREAD *thread); /* free the coroutine of a finished thread */

/* A log line (already formatted, no trailing newline) from an instance; severity: 0 DbgPrint, 1 warning,
 * 2 error (driver misuse). The host adds the simulated time and node prefix. */
void KhLog(struct KRT_INSTANCE *inst, int severity, const char *text);
/* A finding (KrtFinding): `text` is the formatted log line, `call` the WSK function, `status` what the driver got. */
void KhFinding(struct KRT_INSTANCE *inst, const char *call, int32_t status, const char *text);

/* A bug check (KeBugCheck(Ex)): the simulated machine stops. */
void KhBugCheck(struct KRT_INSTANCE *inst, unsigned int code, unsigned long p1, unsigned long p2, unsigned long p3,
                unsigned long p4) __attribute__((noreturn)); /* ULONG and ULONG_PTR */

/* Entry point the runtime calls when a thread coroutine starts running (implemented by the runtime). */
void KrtThreadMain(struct _KTHREAD *thread);

#ifdef __cplusplus
}
#endif

#endif /* WSKNS3_KRT_HOST_H */
