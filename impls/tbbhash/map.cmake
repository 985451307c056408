# tbbhash: oneTBB's tbb::concurrent_hash_map (Debian libtbb-dev).  Built
# only when found; `mapbench list` says so otherwise (registry.def).
find_package(TBB CONFIG QUIET)
if(TBB_FOUND)
  target_sources(maps PRIVATE ${CMAKE_CURRENT_LIST_DIR}/tbbhash.cc)
  target_link_libraries(maps PUBLIC TBB::tbb)
  target_compile_definitions(maps PRIVATE MAPBENCH_HAVE_TBBHASH=1)
  list(APPEND MAPBENCH_LIB_MAPS tbbhash)
  message(STATUS "tbbhash: oneTBB ${TBB_VERSION} (tbb::concurrent_hash_map)")
else()
  message(STATUS "tbbhash: not built (needs oneTBB: libtbb-dev)")
endif()
