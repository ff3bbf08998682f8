/* ntddk.h - kernel-mode driver interface: everything in wdm.h (WSK clients need nothing beyond it). */
#ifndef WSKNS3_NTDDK_H
#define WSKNS3_NTDDK_H

#define _NTDDK_
#include <wdm.h>

#endif /* WSKNS3_NTDDK_H */
