# wsk_add_driver(NAME [STRICT] [DEFINES d1 d2 ...] SOURCES a.c b.c ...)
#
# Builds a Windows WSK client driver as a loadable module (NAME.so) against the capi/ headers:
# 16-bit wchar_t, Windows C runtime names routed to the kernel runtime (--wrap), only DriverEntry
# exported. Third-party driver code builds with warnings but without -Werror, as MSVC would accept it;
# STRICT adds -Wall -Wextra -Werror (the project's own examples and tests use it).
set(WSK_WRAPPED_CRT wcslen wcsnlen wcscpy wcsncpy wcscat wcsncat wcscmp wcsncmp wcschr wcsrchr wcsstr
    sprintf snprintf vsprintf vsnprintf)

function(wsk_add_driver name)
  cmake_parse_arguments(D "STRICT" "" "SOURCES;DEFINES" ${ARGN})
  if(NOT D_SOURCES)
    set(D_SOURCES ${D_UNPARSED_ARGUMENTS})
  endif()
  add_library(${name} MODULE ${D_SOURCES})
  set_target_properties(${name} PROPERTIES PREFIX "" OUTPUT_NAME ${name}
    LIBRARY_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/drivers)
  target_include_directories(${name} PRIVATE ${WSK_NS3_SOURCE_DIR}/capi/include)
  target_compile_definitions(${name} PRIVATE DBG=1 _KERNEL_MODE=1 ${D_DEFINES})
  target_compile_options(${name} PRIVATE -fshort-wchar -fno-strict-aliasing -U_FORTIFY_SOURCE
    -fno-builtin-sprintf -fno-builtin-snprintf -fno-builtin-vsprintf -fno-builtin-vsnprintf
    -Wno-multichar -Wno-unknown-pragmas)
  if(D_STRICT)
    target_compile_options(${name} PRIVATE -Wall -Wextra -Werror -Wno-unused-parameter)
  else()
    target_compile_options(${name} PRIVATE -w)
  endif()
  set(wraps "")
  foreach(f ${WSK_WRAPPED_CRT})
    list(APPEND wraps "-Wl,--wrap=${f}")
  endforeach()
  target_link_options(${name} PRIVATE -Wl,--version-script=${WSK_NS3_SOURCE_DIR}/cmake/driver.map ${wraps})
endfunction()
