/*
 * coroutine.h - stackful coroutines for simulated kernel threads: one guarded mmap'ed stack each and a
 * hand-written register switch (about 20 ns per round trip, against about 500 ns for swapcontext, which
 * makes two signal-mask system calls per switch).
 */
#ifndef WSKNS3_COROUTINE_H
#define WSKNS3_COROUTINE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct KCO KCO;
typedef void (*KCO_ENTRY)(void *arg);

KCO *KcoCreate(size_t stackBytes, KCO_ENTRY entry, void *arg, const char *name);
void KcoDestroy(KCO *co);            /* only when not running; frees or recycles the stack */
void KcoResume(KCO *co);             /* from the host stack: run co until it yields or exits */
void KcoYield(void);                 /* from inside a coroutine: back to the host stack */
void KcoExit(void) __attribute__((noreturn));
int KcoFinished(const KCO *co);
KCO *KcoCurrent(void);               /* NULL on the host stack */
size_t KcoStackBytes(const KCO *co);
void KcoSetDescription(KCO *co, const char *text); /* named in stack-overflow reports */
/* Called (async-signal context) for a fault that is not a stack overflow: writes who was running. */
typedef int (*KCO_FAULT_DESCRIBER)(char *buf, size_t size, const void *address);
void KcoSetFaultDescriber(KCO_FAULT_DESCRIBER fn);

#ifdef __cplusplus
}
#endif

#endif /* WSKNS3_COROUTINE_H */
