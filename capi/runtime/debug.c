/* debug.c - DbgPrint family into the instance log, assertions, breakpoints and bug checks. */
#include "krt_internal.h"
#include "krt_format.h"

#include <stdio.h>

BOOLEAN KdDebuggerEnabled = FALSE;
BOOLEAN KdDebuggerNotPresent = TRUE;
static ULONG g_KrtDebugLevel = DPFLTR_INFO_LEVEL; /* show every level by default */

void KrtSetDebugFilterLevel(ULONG level) { g_KrtDebugLevel = level; }

/* Emits text line by line; DbgPrint callers usually end with "\n" but need not. */
static void KrtEmit(const char *prefix, const char *text)
{
    const char *p = text;
    char line[1100];
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (n > 0 && p[n - 1] == '\r')
            n--;
        snprintf(line, sizeof line, "%s%.*s", prefix, (int)n, p);
        KhLog(g_KrtCur.Instance, 0, line);
        if (!nl)
            break;
        p = nl + 1;
    }
}

static BOOLEAN KrtLevelEnabled(ULONG level)
{
    ULONG mask = level > 31 ? level : (1u << level);
    ULONG allowed = (g_KrtDebugLevel >= 31) ? 0xFFFFFFFFu : ((2u << g_KrtDebugLevel) - 1);
    return (BOOLEAN)((mask & allowed) != 0);
}

ULONG NTAPI vDbgPrintExWithPrefix(PCSTR Prefix, ULONG ComponentId, ULONG Level, PCSTR Format, va_list arglist)
{
    (void)ComponentId;
    if (!KrtLevelEnabled(Level))
        return STATUS_SUCCESS;
    char buf[1024];
    KrtFormatA(buf, sizeof buf, Format, arglist);
    KrtEmit(Prefix ? Prefix : "", buf);
    return STATUS_SUCCESS;
}

ULONG NTAPI vDbgPrintEx(ULONG ComponentId, ULONG Level, PCSTR Format, va_list arglist)
{
    return vDbgPrintExWithPrefix("", ComponentId, Level, Format, arglist);
}

ULONG __cdecl DbgPrint(PCSTR Format, ...)
{
    va_list ap;
    va_start(ap, Format);
    ULONG r = vDbgPrintExWithPrefix("", DPFLTR_DEFAULT_ID, DPFLTR_ERROR_LEVEL, Format, ap);
    va_end(ap);
    return r;
}

ULONG __cdecl DbgPrintEx(ULONG ComponentId, ULONG Level, PCSTR Format, ...)
{
    va_list ap;
    va_start(ap, Format);
    ULONG r = vDbgPrintExWithPrefix("", ComponentId, Level, Format, ap);
    va_end(ap);
    return r;
}

ULONG __cdecl DbgPrintReturnControlC(PCSTR Format, ...)
{
    va_list ap;
    va_start(ap, Format);
    ULONG r = vDbgPrintExWithPrefix("", DPFLTR_DEFAULT_ID, DPFLTR_ERROR_LEVEL, Format, ap);
    va_end(ap);
    return r;
}

NTSTATUS NTAPI DbgSetDebugFilterState(ULONG ComponentId, ULONG Level, BOOLEAN State)
{
    (void)ComponentId;
    if (State && Level > g_KrtDebugLevel && Level <= 31)
        g_KrtDebugLevel = Level;
    return STATUS_SUCCESS;
}

NTSTATUS NTAPI DbgQueryDebugFilterState(ULONG ComponentId, ULONG Level)
{
    (void)ComponentId;
    return KrtLevelEnabled(Level) ? (NTSTATUS)TRUE : (NTSTATUS)FALSE;
}

VOID NTAPI DbgBreakPoint(VOID) { KrtReport(1, "DbgBreakPoint", "breakpoint hit (no debugger attached; continuing)"); }

VOID NTAPI DbgBreakPointWithStatus(ULONG Status)
{
    KrtReport(1, "DbgBreakPointWithStatus", "breakpoint hit with status 0x%08x (continuing)", Status);
}

BOOLEAN NTAPI KdRefreshDebuggerNotPresent(VOID) { return TRUE; }

VOID NTAPI RtlAssert(PVOID VoidFailedAssertion, PVOID VoidFileName, ULONG LineNumber, PSTR MutableMessage)
{
    KrtReport(2, "ASSERT", "assertion failed: %s%s%s at %s:%u", (const char *)VoidFailedAssertion,
              MutableMessage ? " - " : "", MutableMessage ? MutableMessage : "", (const char *)VoidFileName,
              LineNumber);
}

VOID NTAPI KeBugCheckEx(ULONG BugCheckCode, ULONG_PTR P1, ULONG_PTR P2, ULONG_PTR P3, ULONG_PTR P4)
{
    KrtReport(2, "KeBugCheckEx", "bug check 0x%08x (0x%lx, 0x%lx, 0x%lx, 0x%lx)", BugCheckCode, (unsigned long)P1,
              (unsigned long)P2, (unsigned long)P3, (unsigned long)P4);
    KhBugCheck(g_KrtCur.Instance, BugCheckCode, P1, P2, P3, P4);
}

VOID NTAPI KeBugCheck(ULONG BugCheckCode) { KeBugCheckEx(BugCheckCode, 0, 0, 0, 0); }
