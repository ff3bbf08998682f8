/* status_name.c - NTSTATUS values by name, for diagnostics and findings. */
#include "krt_internal.h"
#include "krt_status_names.h"

const char *KrtStatusName(NTSTATUS status)
{
    for (unsigned i = 0; i < g_KrtStatusNameCount; i++) {
        if (g_KrtStatusNames[i].Value == (unsigned)status)
            return g_KrtStatusNames[i].Name;
    }
    return NULL;
}
