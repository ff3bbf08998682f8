/* time.c - kernel clocks derived from simulated time. */
#include "krt_internal.h"

/* Simulated t = 0 is 2025-01-01 00:00:00 UTC, in 100 ns units since 1601-01-01. */
#define KRT_EPOCH_100NS 133801632000000000LL
#define KRT_TIME_INCREMENT 156250u /* 15.625 ms clock tick, in 100 ns */
#define KRT_QPC_FREQUENCY 10000000LL

static LONGLONG KrtInterrupt100ns(void) { return (LONGLONG)(KhNowNs() / 100u); }

LONGLONG KrtSystemTimeNow(void) { return KRT_EPOCH_100NS + KrtInterrupt100ns(); }

uint64_t KrtTimeoutToDelayNs(const LARGE_INTEGER *timeout)
{
    LONGLONG v = timeout->QuadPart;
    if (v < 0)
        return (uint64_t)(-v) * 100u;
    LONGLONG now = KrtSystemTimeNow();
    return v > now ? (uint64_t)(v - now) * 100u : 0;
}

VOID NTAPI KeQuerySystemTime(PLARGE_INTEGER CurrentTime) { CurrentTime->QuadPart = KrtSystemTimeNow(); }
VOID NTAPI KeQuerySystemTimePrecise(PLARGE_INTEGER CurrentTime) { CurrentTime->QuadPart = KrtSystemTimeNow(); }
ULONGLONG NTAPI KeQueryInterruptTime(VOID) { return (ULONGLONG)KrtInterrupt100ns(); }
ULONGLONG NTAPI KeQueryUnbiasedInterruptTime(VOID) { return (ULONGLONG)KrtInterrupt100ns(); }
ULONGLONG NTAPI KeQueryInterruptTimePrecise(PULONGLONG QpcTimeStamp)
{
    if (QpcTimeStamp)
        *QpcTimeStamp = (ULONGLONG)KrtInterrupt100ns();
    return (ULONGLONG)KrtInterrupt100ns();
}

LARGE_INTEGER NTAPI KeQueryPerformanceCounter(PLARGE_INTEGER PerformanceFrequency)
{
    LARGE_INTEGER r;
    if (PerformanceFrequency)
        PerformanceFrequency->QuadPart = KRT_QPC_FREQUENCY;
    r.QuadPart = KrtInterrupt100ns();
    return r;
}

ULONG NTAPI KeQueryTimeIncrement(VOID) { return KRT_TIME_INCREMENT; }
VOID NTAPI KeQueryTickCount_(PLARGE_INTEGER TickCount) { TickCount->QuadPart = KrtInterrupt100ns() / KRT_TIME_INCREMENT; }
ULONG NTAPI KeGetCurrentProcessorNumber(VOID) { return 0; }
ULONG NTAPI KeQueryActiveProcessorCount(PKAFFINITY ActiveProcessors)
{
    if (ActiveProcessors)
        *ActiveProcessors = 1;
    return 1;
}
ULONG NTAPI KeQueryMaximumProcessorCount(VOID) { return 1; }
VOID NTAPI ExSystemTimeToLocalTime(PLARGE_INTEGER SystemTime, PLARGE_INTEGER LocalTime) { *LocalTime = *SystemTime; }
VOID NTAPI ExLocalTimeToSystemTime(PLARGE_INTEGER LocalTime, PLARGE_INTEGER SystemTime) { *SystemTime = *LocalTime; }

/* Civil-date conversion (proleptic Gregorian, days counted from 1601-01-01, a Monday). */
static LONGLONG KrtDaysFromCivil(LONGLONG y, unsigned m, unsigned d)
{
    y -= m <= 2;
    LONGLONG era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (LONGLONG)doe - 584694; /* 584694 = days from 0000-03-01 to 1601-01-01 */
}

VOID NTAPI RtlTimeToTimeFields(PLARGE_INTEGER Time, PTIME_FIELDS TimeFields)
{
    LONGLONG t = Time->QuadPart;
    LONGLONG days = t / 864000000000LL;
    LONGLONG rem = t % 864000000000LL;
    TimeFields->Milliseconds = (SHORT)((rem / 10000) % 1000);
    TimeFields->Second = (SHORT)((rem / 10000000) % 60);
    TimeFields->Minute = (SHORT)((rem / 600000000) % 60);
    TimeFields->Hour = (SHORT)(rem / 36000000000LL);
    TimeFields->Weekday = (SHORT)((days + 1) % 7); /* 1601-01-01 was a Monday; Sunday = 0 */
    LONGLONG z = days + 584694;
    LONGLONG era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    LONGLONG y = (LONGLONG)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    unsigned d = doy - (153 * mp + 2) / 5 + 1;
    unsigned m = mp < 10 ? mp + 3 : mp - 9;
    TimeFields->Year = (SHORT)(y + (m <= 2));
    TimeFields->Month = (SHORT)m;
    TimeFields->Day = (SHORT)d;
}

BOOLEAN NTAPI RtlTimeFieldsToTime(PTIME_FIELDS f, PLARGE_INTEGER Time)
{
    if (f->Month < 1 || f->Month > 12 || f->Day < 1 || f->Day > 31 || f->Hour < 0 || f->Hour > 23 ||
        f->Minute < 0 || f->Minute > 59 || f->Second < 0 || f->Second > 59 || f->Milliseconds < 0 ||
        f->Milliseconds > 999 || f->Year < 1601)
        return FALSE;
    LONGLONG days = KrtDaysFromCivil(f->Year, (unsigned)f->Month, (unsigned)f->Day);
    Time->QuadPart = ((((days * 24 + f->Hour) * 60 + f->Minute) * 60 + f->Second) * 1000 + f->Milliseconds) * 10000LL;
    return TRUE;
}
