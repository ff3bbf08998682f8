/* krt_status_names.h - the NTSTATUS name table generated from ntstatus.h (cmake/StatusNames.cmake). */
#ifndef WSKNS3_KRT_STATUS_NAMES_H
#define WSKNS3_KRT_STATUS_NAMES_H

typedef struct KRT_STATUS_NAME {
    unsigned Value;
    const char *Name;
} KRT_STATUS_NAME;

extern const KRT_STATUS_NAME g_KrtStatusNames[];
extern const unsigned g_KrtStatusNameCount;

#endif /* WSKNS3_KRT_STATUS_NAMES_H */
