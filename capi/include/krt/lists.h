/*
 * krt/lists.h - LIST_ENTRY, SINGLE_LIST_ENTRY and SLIST helpers (part of wdm.h).
 * The simulator runs every node on one OS thread, so the "interlocked" SLIST operations need no atomics.
 */
#ifndef WSKNS3_KRT_LISTS_H
#define WSKNS3_KRT_LISTS_H

#include <ntdef.h>

FORCEINLINE VOID InitializeListHead(PLIST_ENTRY ListHead) { ListHead->Flink = ListHead->Blink = ListHead; }

FORCEINLINE BOOLEAN IsListEmpty(const LIST_ENTRY *ListHead) { return (BOOLEAN)(ListHead->Flink == ListHead); }

FORCEINLINE BOOLEAN RemoveEntryList(PLIST_ENTRY Entry)
{
    PLIST_ENTRY next = Entry->Flink, prev = Entry->Blink;
    prev->Flink = next;
    next->Blink = prev;
    return (BOOLEAN)(next == prev);
}

FORCEINLINE PLIST_ENTRY RemoveHeadList(PLIST_ENTRY ListHead)
{
    PLIST_ENTRY entry = ListHead->Flink, next = entry->Flink;
    ListHead->Flink = next;
    next->Blink = ListHead;
    return entry;
}

FORCEINLINE PLIST_ENTRY RemoveTailList(PLIST_ENTRY ListHead)
{
    PLIST_ENTRY entry = ListHead->Blink, prev = entry->Blink;
    ListHead->Blink = prev;
    prev->Flink = ListHead;
    return entry;
}

FORCEINLINE VOID InsertTailList(PLIST_ENTRY ListHead, PLIST_ENTRY Entry)
{
    PLIST_ENTRY prev = ListHead->Blink;
    Entry->Flink = ListHead;
    Entry->Blink = prev;
    prev->Flink = Entry;
    ListHead->Blink = Entry;
}

FORCEINLINE VOID InsertHeadList(PLIST_ENTRY ListHead, PLIST_ENTRY Entry)
{
    PLIST_ENTRY next = ListHead->Flink;
    Entry->Flink = next;
    Entry->Blink = ListHead;
    next->Blink = Entry;
    ListHead->Flink = Entry;
}

/* Splices the list that ListToAppend heads (ListToAppend being its first entry) onto ListHead's tail. */
FORCEINLINE VOID AppendTailList(PLIST_ENTRY ListHead, PLIST_ENTRY ListToAppend)
{
    PLIST_ENTRY tail = ListHead->Blink;
    ListHead->Blink->Flink = ListToAppend;
    ListHead->Blink = ListToAppend->Blink;
    ListToAppend->Blink->Flink = ListHead;
    ListToAppend->Blink = tail;
}

FORCEINLINE PSINGLE_LIST_ENTRY PopEntryList(PSINGLE_LIST_ENTRY ListHead)
{
    PSINGLE_LIST_ENTRY first = ListHead->Next;
    if (first != NULL)
        ListHead->Next = first->Next;
    return first;
}

FORCEINLINE VOID PushEntryList(PSINGLE_LIST_ENTRY ListHead, PSINGLE_LIST_ENTRY Entry)
{
    Entry->Next = ListHead->Next;
    ListHead->Next = Entry;
}

/* Sequenced lists: 16-byte aligned as on x64 Windows. */
typedef struct DECLSPEC_ALIGN(16) _SLIST_ENTRY {
    struct _SLIST_ENTRY *Next;
} SLIST_ENTRY, *PSLIST_ENTRY;

typedef union DECLSPEC_ALIGN(16) _SLIST_HEADER {
    struct {
        ULONGLONG Alignment;
        ULONGLONG Region;
    };
    struct {
        PSLIST_ENTRY Next;  /* first entry */
        ULONGLONG Depth;
    } Krt;
} SLIST_HEADER, *PSLIST_HEADER;

FORCEINLINE VOID InitializeSListHead(PSLIST_HEADER SListHead)
{
    SListHead->Krt.Next = NULL;
    SListHead->Krt.Depth = 0;
}
FORCEINLINE PSLIST_ENTRY FirstEntrySList(const SLIST_HEADER *SListHead) { return SListHead->Krt.Next; }
FORCEINLINE USHORT QueryDepthSList(PSLIST_HEADER SListHead) { return (USHORT)SListHead->Krt.Depth; }
FORCEINLINE PSLIST_ENTRY InterlockedPushEntrySList(PSLIST_HEADER SListHead, PSLIST_ENTRY Entry)
{
    PSLIST_ENTRY old = SListHead->Krt.Next;
    Entry->Next = old;
    SListHead->Krt.Next = Entry;
    SListHead->Krt.Depth++;
    return old;
}
FORCEINLINE PSLIST_ENTRY InterlockedPopEntrySList(PSLIST_HEADER SListHead)
{
    PSLIST_ENTRY first = SListHead->Krt.Next;
    if (first != NULL) {
        SListHead->Krt.Next = first->Next;
        SListHead->Krt.Depth--;
    }
    return first;
}
FORCEINLINE PSLIST_ENTRY InterlockedFlushSList(PSLIST_HEADER SListHead)
{
    PSLIST_ENTRY first = SListHead->Krt.Next;
    SListHead->Krt.Next = NULL;
    SListHead->Krt.Depth = 0;
    return first;
}
#define ExInitializeSListHead InitializeSListHead
#define ExQueryDepthSList QueryDepthSList
#define ExInterlockedPushEntrySList(Head, Entry, Lock) InterlockedPushEntrySList(Head, Entry)
#define ExInterlockedPopEntrySList(Head, Lock) InterlockedPopEntrySList(Head)
#define ExInterlockedFlushSList(Head) InterlockedFlushSList(Head)

#endif /* WSKNS3_KRT_LISTS_H */
