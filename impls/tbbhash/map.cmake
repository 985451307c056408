# tbbhash: oneTBB's tbb::concurrent_hash_map (Debian libtbb-dev).  Built
# only when found; `mapbench list` says so otherwise (registry.def).
find_package(TBB CONFIG QUIET)
if(TBB_FOUND)
  target_link_libraries(maps PUBLIC TBB::tbb)
  mapbench_lib_map(tbbhash "oneTBB ${TBB_VERSION} (tbb::concurrent_hash_map)")
else()
  message(STATUS "tbbhash: not built (needs oneTBB: libtbb-dev)")
endif()
