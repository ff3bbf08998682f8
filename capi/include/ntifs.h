/* ntifs.h - installable-file-system kit header; some network drivers include it instead of ntddk.h. */
#ifndef WSKNS3_NTIFS_H
#define WSKNS3_NTIFS_H

#define _NTIFS_
#include <ntddk.h>

#endif /* WSKNS3_NTIFS_H */
