/*
 * krt/debug.h - DbgPrint family, assertions and bug checks (part of wdm.h). Output goes to the driver
 * instance's log, each line prefixed with the simulated time and node id.
 */
#ifndef WSKNS3_KRT_DEBUG_H
#define WSKNS3_KRT_DEBUG_H

#include <ntdef.h>
#include <stdarg.h>

EXTERN_C_START

#define DPFLTR_ERROR_LEVEL 0
#define DPFLTR_WARNING_LEVEL 1
#define DPFLTR_TRACE_LEVEL 2
#define DPFLTR_INFO_LEVEL 3
#define DPFLTR_MASK 0x80000000
#define DPFLTR_SYSTEM_ID 0
#define DPFLTR_SMSS_ID 1
#define DPFLTR_SETUP_ID 2
#define DPFLTR_NTFS_ID 3
#define DPFLTR_IHVVIDEO_ID 74
#define DPFLTR_IHVAUDIO_ID 75
#define DPFLTR_IHVNETWORK_ID 76
#define DPFLTR_IHVDRIVER_ID 77
#define DPFLTR_IHVBUS_ID 78
#define DPFLTR_IHVSTREAMING_ID 79
#define DPFLTR_DEFAULT_ID 101
#define DPFLTR_TCPIP_ID 25

ULONG __cdecl DbgPrint(PCSTR Format, ...);
ULONG __cdecl DbgPrintEx(ULONG ComponentId, ULONG Level, PCSTR Format, ...);
ULONG NTAPI vDbgPrintEx(ULONG ComponentId, ULONG Level, PCSTR Format, va_list arglist);
ULONG NTAPI vDbgPrintExWithPrefix(PCSTR Prefix, ULONG ComponentId, ULONG Level, PCSTR Format, va_list arglist);
ULONG __cdecl DbgPrintReturnControlC(PCSTR Format, ...);
/* MSVC drops the comma before an empty variadic argument, so drivers' LOG(fmt, __VA_ARGS__) wrappers
 * reach DbgPrint as "DbgPrint(fmt, )" when given no arguments; __VA_OPT__ gives GCC the same result.
 * The parentheses in the expansion keep the macro from recursing and still allow &DbgPrint. */
#define DbgPrint(Format, ...) (DbgPrint)(Format __VA_OPT__(, ) __VA_ARGS__)
#define DbgPrintEx(ComponentId, Level, Format, ...) (DbgPrintEx)(ComponentId, Level, Format __VA_OPT__(, ) __VA_ARGS__)
NTSTATUS NTAPI DbgSetDebugFilterState(ULONG ComponentId, ULONG Level, BOOLEAN State);
NTSTATUS NTAPI DbgQueryDebugFilterState(ULONG ComponentId, ULONG Level);
VOID NTAPI DbgBreakPoint(VOID);
VOID NTAPI DbgBreakPointWithStatus(ULONG Status);
NTSYSAPI VOID NTAPI RtlAssert(PVOID VoidFailedAssertion, PVOID VoidFileName, ULONG LineNumber, PSTR MutableMessage);
DECLSPEC_NORETURN NTKERNELAPI VOID NTAPI KeBugCheckEx(ULONG BugCheckCode, ULONG_PTR P1, ULONG_PTR P2, ULONG_PTR P3,
                                                     ULONG_PTR P4);
DECLSPEC_NORETURN NTKERNELAPI VOID NTAPI KeBugCheck(ULONG BugCheckCode);
extern BOOLEAN KdDebuggerEnabled;
extern BOOLEAN KdDebuggerNotPresent;
NTKERNELAPI BOOLEAN NTAPI KdRefreshDebuggerNotPresent(VOID);

#if DBG
#define KdPrint(_x_) DbgPrint _x_
#define KdPrintEx(_x_) DbgPrintEx _x_
#define vKdPrintEx(_x_) vDbgPrintEx _x_
#define vKdPrintExWithPrefix(_x_) vDbgPrintExWithPrefix _x_
#define KdBreakPoint() DbgBreakPoint()
#define KdBreakPointWithStatus(s) DbgBreakPointWithStatus(s)
#define ASSERT(exp) ((!(exp)) ? (RtlAssert((PVOID) #exp, (PVOID)__FILE__, __LINE__, NULL), FALSE) : TRUE)
#define ASSERTMSG(msg, exp) ((!(exp)) ? (RtlAssert((PVOID) #exp, (PVOID)__FILE__, __LINE__, (PSTR)(msg)), FALSE) : TRUE)
#define RTL_SOFT_ASSERT(exp) ASSERT(exp)
#define RTL_SOFT_ASSERTMSG(msg, exp) ASSERTMSG(msg, exp)
#define RTL_VERIFY ASSERT
#define RTL_VERIFYMSG ASSERTMSG
#else
#define KdPrint(_x_)
#define KdPrintEx(_x_)
#define vKdPrintEx(_x_)
#define vKdPrintExWithPrefix(_x_)
#define KdBreakPoint()
#define KdBreakPointWithStatus(s)
#define ASSERT(exp) ((void)0)
#define ASSERTMSG(msg, exp) ((void)0)
#define RTL_SOFT_ASSERT(exp) ((void)0)
#define RTL_SOFT_ASSERTMSG(msg, exp) ((void)0)
#define RTL_VERIFY(exp) ((exp) ? TRUE : FALSE)
#define RTL_VERIFYMSG(msg, exp) ((exp) ? TRUE : FALSE)
#endif
#define NT_ASSERT(exp) ((!(exp)) ? (RtlAssert((PVOID) #exp, (PVOID)__FILE__, __LINE__, NULL), FALSE) : TRUE)
#define NT_ASSERTMSG(msg, exp) ((!(exp)) ? (RtlAssert((PVOID) #exp, (PVOID)__FILE__, __LINE__, (PSTR)(msg)), FALSE) : TRUE)
#define NT_ASSERTMSGW(msg, exp) NT_ASSERT(exp)
#define NT_ASSERT_ASSUME(exp) NT_ASSERT(exp)
#define NT_ANALYSIS_ASSUME(exp) ((void)0)
#define NT_VERIFY(exp) NT_ASSERT(exp)
#define NT_VERIFYMSG(msg, exp) NT_ASSERTMSG(msg, exp)
#define NT_FRE_ASSERT(exp) NT_ASSERT(exp)

/* PAGED_CODE checks the documented precondition (IRQL <= APC_LEVEL) and reports a violation. */
NTKERNELAPI VOID NTAPI KrtPagedCodeCheck(PCSTR File, ULONG Line);
#define PAGED_CODE() KrtPagedCodeCheck(__FILE__, __LINE__)
#define PAGED_CODE_LOCKED() ((void)0)
#define NT_PAGED_CODE() PAGED_CODE()
#define ALLOC_PRAGMA 1
#define ALLOC_DATA_PRAGMA 1

/* WPP software tracing compiles away. */
#define WPP_INIT_TRACING(DriverObject, RegistryPath) ((void)(DriverObject), (void)(RegistryPath))
#define WPP_CLEANUP(DriverObject) ((void)(DriverObject))

/* Bug-check codes the runtime reports */
#define IRQL_NOT_LESS_OR_EQUAL 0x0000000A
#define NO_MORE_IRP_STACK_LOCATIONS 0x00000035
#define MULTIPLE_IRP_COMPLETE_REQUESTS 0x00000044
#define BAD_POOL_CALLER 0x000000C2
#define DRIVER_VERIFIER_DETECTED_VIOLATION 0x000000C4
#define DRIVER_IRQL_NOT_LESS_OR_EQUAL 0x000000D1
#define SPIN_LOCK_ALREADY_OWNED 0x0000000F
#define SPIN_LOCK_NOT_OWNED 0x00000010
#define THREAD_NOT_MUTEX_OWNER 0x00000011
#define IRQL_UNEXPECTED_VALUE 0x000000C8
#define DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS 0x000000CE

EXTERN_C_END

#endif /* WSKNS3_KRT_DEBUG_H */
