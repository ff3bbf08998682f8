/* coroutine.c - coroutine stacks, switching, sanitizer annotations and stack-overflow reports. */
#define _GNU_SOURCE
#include "coroutine.h"

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define KCO_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KCO_ASAN 1
#endif
#endif
#ifdef KCO_ASAN
void __sanitizer_start_switch_fiber(void **fake_stack_save, const void *bottom, size_t size);
void __sanitizer_finish_switch_fiber(void *fake_stack_save, const void **bottom_old, size_t *size_old);
void __asan_unpoison_memory_region(void const volatile *addr, size_t size);
#endif

void KcoSwitch(void **saveSp, void *loadSp);
void KcoTrampoline(void);
void KcoStart(void *arg);

struct KCO {
    void *sp;
    char *map;        /* guard page + stack */
    size_t mapBytes;
    size_t stackBytes;
    KCO_ENTRY entry;
    void *arg;
    int finished;
    void *fakeStack;
    KCO *nextFree;
    char desc[96];
};

static void *g_hostSp;
static KCO *g_current;
static const void *g_hostStackBottom;
static size_t g_hostStackSize;
static void *g_hostFakeStack;
static KCO *g_freeStacks; /* recycled stacks of the default size */
static size_t g_freeBytes;
static const size_t kGuard = 4096;

static KCO_FAULT_DESCRIBER g_describer;

void KcoSetFaultDescriber(KCO_FAULT_DESCRIBER fn) { g_describer = fn; }

static void KcoOnSegv(int sig, siginfo_t *info, void *uctx)
{
    (void)uctx;
    char *addr = (char *)info->si_addr;
    KCO *co = g_current;
    if (co != NULL && addr >= co->map && addr < co->map + kGuard) {
        char msg[256];
        int n = snprintf(msg, sizeof msg,
                         "wsk-ns3: stack overflow in %s (coroutine stack of %zu bytes; raise WskDriverApp::StackSize)\n",
                         co->desc[0] ? co->desc : "a driver thread", co->stackBytes);
        if (n > 0)
            (void)!write(2, msg, (size_t)n);
        _exit(70);
    }
    if (g_describer != NULL) {
        char msg[512];
        int n = g_describer(msg, sizeof msg, info->si_addr);
        if (n > 0) {
            (void)!write(2, msg, (size_t)n);
            _exit(71); /* the simulated machine crashed; report it and stop rather than dump core */
        }
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

static void KcoInstallGuardHandler(void)
{
    static int done;
    if (done)
        return;
    done = 1;
#ifdef KCO_ASAN
    return; /* AddressSanitizer reports faults itself, with more detail */
#endif
    static char altStack[64 * 1024];
    stack_t ss;
    ss.ss_sp = altStack;
    ss.ss_size = sizeof altStack;
    ss.ss_flags = 0;
    if (ss.ss_sp == NULL || sigaltstack(&ss, NULL) != 0)
        return;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = KcoOnSegv;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
}

KCO *KcoCreate(size_t stackBytes, KCO_ENTRY entry, void *arg, const char *name)
{
    KcoInstallGuardHandler();
    size_t page = 4096;
    stackBytes = (stackBytes + page - 1) & ~(page - 1);
    KCO *co = NULL;
    if (g_freeStacks != NULL && g_freeBytes == stackBytes) {
        co = g_freeStacks;
        g_freeStacks = co->nextFree;
    } else {
        co = calloc(1, sizeof *co);
        if (co == NULL)
            return NULL;
        co->mapBytes = stackBytes + kGuard;
        co->map = mmap(NULL, co->mapBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK,
                       -1, 0);
        if (co->map == MAP_FAILED) {
            free(co);
            return NULL;
        }
        mprotect(co->map, kGuard, PROT_NONE);
        co->stackBytes = stackBytes;
    }
    co->entry = entry;
    co->arg = arg;
    co->finished = 0;
    co->fakeStack = NULL;
    co->nextFree = NULL;
    snprintf(co->desc, sizeof co->desc, "%s", name ? name : "");
    uintptr_t top = ((uintptr_t)(co->map + co->mapBytes)) & ~(uintptr_t)15;
    uint64_t *sp = (uint64_t *)(top - 8 * 8);
    sp[0] = 0x1F80ull | (0x037Full << 32); /* MXCSR default, x87 control word default */
    sp[1] = 0;                             /* r15 */
    sp[2] = 0;                             /* r14 */
    sp[3] = (uint64_t)(uintptr_t)co;       /* r13: KcoStart's argument */
    sp[4] = (uint64_t)(uintptr_t)KcoStart; /* r12 */
    sp[5] = 0;                             /* rbx */
    sp[6] = 0;                             /* rbp */
    sp[7] = (uint64_t)(uintptr_t)KcoTrampoline;
    co->sp = sp;
    return co;
}

void KcoSetDescription(KCO *co, const char *text) { snprintf(co->desc, sizeof co->desc, "%s", text); }

void KcoDestroy(KCO *co)
{
    if (co == NULL)
        return;
#ifdef KCO_ASAN
    /* a coroutine that never finished (its thread was still blocked when the simulation ended) leaves its
     * frames' redzones poisoned: clear them before the stack is reused or unmapped */
    __asan_unpoison_memory_region(co->map + kGuard, co->stackBytes);
#endif
    if (g_freeStacks == NULL || g_freeBytes == co->stackBytes) {
        if (g_freeStacks == NULL)
            g_freeBytes = co->stackBytes;
        /* Give the pages back to the kernel but keep the mapping for the next coroutine. */
        madvise(co->map + kGuard, co->stackBytes, MADV_DONTNEED);
        co->nextFree = g_freeStacks;
        g_freeStacks = co;
        return;
    }
    munmap(co->map, co->mapBytes);
    free(co);
}

void KcoResume(KCO *co)
{
    if (co->finished || g_current != NULL)
        abort(); /* resuming a finished coroutine, or nesting: host bugs, never driver bugs */
    g_current = co;
#ifdef KCO_ASAN
    __sanitizer_start_switch_fiber(&g_hostFakeStack, co->map + kGuard, co->stackBytes);
#endif
    KcoSwitch(&g_hostSp, co->sp);
#ifdef KCO_ASAN
    __sanitizer_finish_switch_fiber(g_hostFakeStack, NULL, NULL);
#endif
    g_current = NULL;
}

/* Called on the coroutine's stack right after a switch into it. */
static void KcoArrived(KCO *co)
{
#ifdef KCO_ASAN
    __sanitizer_finish_switch_fiber(co->fakeStack, &g_hostStackBottom, &g_hostStackSize);
#else
    (void)co;
    (void)g_hostStackBottom;
    (void)g_hostStackSize;
    (void)g_hostFakeStack;
#endif
}

static void KcoLeave(KCO *co, int exiting)
{
#ifdef KCO_ASAN
    __sanitizer_start_switch_fiber(exiting ? NULL : &co->fakeStack, g_hostStackBottom, g_hostStackSize);
#else
    (void)exiting;
#endif
    KcoSwitch(&co->sp, g_hostSp);
}

void KcoYield(void)
{
    KCO *co = g_current;
    KcoLeave(co, 0);
    KcoArrived(co);
}

void KcoExit(void)
{
    KCO *co = g_current;
    co->finished = 1;
    KcoLeave(co, 1);
    abort(); /* never resumed */
}

int KcoFinished(const KCO *co) { return co->finished; }
KCO *KcoCurrent(void) { return g_current; }
size_t KcoStackBytes(const KCO *co) { return co->stackBytes; }

/* First C frame of every coroutine (the trampoline calls it). */
void KcoStart(void *arg)
{
    KCO *co = (KCO *)arg;
    KcoArrived(co);
    co->entry(co->arg);
    KcoExit();
}
