# cdsfeldman: libcds's FeldmanHashMap under hazard pointers (Debian
# libcds-dev).  Built only when found; `mapbench list` says so otherwise.
#
# -fno-sized-deallocation: libcds 2.3.3's FeldmanHashSet frees its array
# nodes with a size that is not the size they were allocated with (they
# are allocated as raw bytes for a flexible array and freed through a
# typed sized delete).  glibc's free ignores the size; jemalloc, which
# mapbench runs on, trusts it (sdallocx) and files the block in the wrong
# size class, and the process crashed in the map's destructor.  Without
# sized deallocation the compiler calls the unsized operator delete, which
# asks jemalloc for the size.  tests/test_cds_sized_dealloc.c shows the
# bug when this flag is removed.
# Debian's LibCDSConfig.cmake names /usr/lib64/libcds.so.2.3.3, which is
# not where the package puts it, so the header and library are found
# directly.
find_path(MAPBENCH_CDS_INCLUDE cds/container/feldman_hashmap_hp.h)
find_library(MAPBENCH_CDS_LIB NAMES cds)
if(MAPBENCH_CDS_INCLUDE AND MAPBENCH_CDS_LIB)
  target_include_directories(maps PRIVATE ${MAPBENCH_CDS_INCLUDE})
  target_link_libraries(maps PUBLIC ${MAPBENCH_CDS_LIB})
  set_property(SOURCE ${CMAKE_CURRENT_LIST_DIR}/cdsfeldman.cc APPEND PROPERTY
    COMPILE_OPTIONS ${MAPBENCH_CDS_SIZED_DEALLOC})
  mapbench_lib_map(cdsfeldman "libcds (FeldmanHashMap, gc::HP)")
else()
  message(STATUS "cdsfeldman: not built (needs libcds: libcds-dev)")
endif()
