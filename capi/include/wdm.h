/*
 * wdm.h - the Windows Driver Model kernel interface that WSK clients use, for GCC/Clang on Linux.
 * One concept per file under krt/; this header gathers them in the order the WDK's wdm.h presents them.
 */
#ifndef WSKNS3_WDM_H
#define WSKNS3_WDM_H

#define _WDMDDK_

#include <ntdef.h>
#include <ntstatus.h>
#include <string.h>
#include <krt/crt.h>
#include <krt/lists.h>
#include <krt/interlocked.h>
#include <krt/ke.h>
#include <krt/pool.h>
#include <krt/io.h>
#include <krt/rtl.h>
#include <krt/registry.h>
#include <krt/debug.h>
#include <krt/version.h>

#ifndef WSKNS3_LUID_DEFINED
#define WSKNS3_LUID_DEFINED
typedef struct _LUID {
    ULONG LowPart;
    LONG HighPart;
} LUID, *PLUID;
#endif

/* Probing user buffers: every buffer in the simulation is kernel memory. */
#define ProbeForRead(Address, Length, Alignment) ((void)(Address), (void)(Length), (void)(Alignment))
#define ProbeForWrite(Address, Length, Alignment) ((void)(Address), (void)(Length), (void)(Alignment))

#endif /* WSKNS3_WDM_H */
