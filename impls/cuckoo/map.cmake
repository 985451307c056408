# cuckoo: libcuckoo's cuckoohash_map, header-only (Debian libcuckoo-dev).
# Built only when found; `mapbench list` says so otherwise (registry.def).
find_package(libcuckoo CONFIG QUIET)
if(libcuckoo_FOUND)
  target_sources(maps PRIVATE ${CMAKE_CURRENT_LIST_DIR}/cuckoo.cc)
  target_link_libraries(maps PUBLIC libcuckoo::libcuckoo)
  set_property(SOURCE ${CMAKE_CURRENT_LIST_DIR}/cuckoo.cc APPEND PROPERTY
    COMPILE_DEFINITIONS "MAPBENCH_CUCKOO_VERSION=\"${libcuckoo_VERSION}\"")
  target_compile_definitions(maps PRIVATE MAPBENCH_HAVE_CUCKOO=1)
  list(APPEND MAPBENCH_LIB_MAPS cuckoo)
  message(STATUS "cuckoo: libcuckoo ${libcuckoo_VERSION} (cuckoohash_map)")
else()
  message(STATUS "cuckoo: not built (needs libcuckoo: libcuckoo-dev)")
endif()
