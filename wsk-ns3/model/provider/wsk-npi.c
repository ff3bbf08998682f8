/* wsk-npi.c - the WSK network programming interface identifier that netio exports. Weak, so a driver that
 * defines its own copy (as drivers avoiding netio.lib do) keeps it. */
#include <ntddk.h>
#include <wsk.h>

__attribute__((weak)) const NPIID NPI_WSK_INTERFACE_ID = {
    0x2227E803, 0x8D8B, 0x11D4, {0xAB, 0xAD, 0x00, 0x90, 0x27, 0x71, 0x9E, 0x09}};
