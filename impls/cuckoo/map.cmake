# cuckoo: libcuckoo's cuckoohash_map, header-only (Debian libcuckoo-dev).
# Built only when found; `mapbench list` says so otherwise (registry.def).
find_package(libcuckoo CONFIG QUIET)
if(libcuckoo_FOUND)
  target_link_libraries(maps PUBLIC libcuckoo::libcuckoo)
  set_property(SOURCE ${CMAKE_CURRENT_LIST_DIR}/cuckoo.cc APPEND PROPERTY
    COMPILE_DEFINITIONS "MAPBENCH_CUCKOO_VERSION=\"${libcuckoo_VERSION}\"")
  mapbench_lib_map(cuckoo "libcuckoo ${libcuckoo_VERSION} (cuckoohash_map)")
else()
  message(STATUS "cuckoo: not built (needs libcuckoo: libcuckoo-dev)")
endif()
