/*
 * Defines functions named like libc's socket API and uses the Windows C runtime: its own definitions must
 * win inside the driver, libc must not see them, and wide/printf functions must have Windows semantics.
 */
#include <ntddk.h>

int connect(int a, int b);
int send(int a, int b);
unsigned short htons(unsigned short v);
int connect(int a, int b) { return a + b + 1000; }
int send(int a, int b) { return a * b + 2000; }
unsigned short htons(unsigned short v) { return RtlUshortByteSwap(v); }

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    char buf[64];
    WCHAR wbuf[16];
    UNICODE_STRING u;
    UNREFERENCED_PARAMETER(DriverObject);
    UNREFERENCED_PARAMETER(RegistryPath);
    DbgPrint("connect=%d send=%d htons=0x%04x\n", connect(1, 2), send(3, 4), htons(0x1234));
    DbgPrint("wcslen=%u\n", (ULONG)wcslen(L"abcd"));
    wcscpy(wbuf, L"xy");
    wcscat(wbuf, L"z");
    RtlInitUnicodeString(&u, wbuf);
    DbgPrint("wide=%ws counted=%wZ len=%u\n", wbuf, &u, (ULONG)u.Length);
    sprintf(buf, "%ld|%lu|%I64x|%Iu", (LONG)-5, (ULONG)0xFFFFFFFFu, 0x1122334455667788ULL, (SIZE_T)42);
    DbgPrint("sprintf=%s\n", buf);
    DbgPrint("tag=%c%c%c%c\n", (char)('sksw' >> 24), (char)('sksw' >> 16), (char)('sksw' >> 8), (char)'sksw');
    return STATUS_SUCCESS;
}
