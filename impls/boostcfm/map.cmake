# boostcfm: boost::concurrent_flat_map, header-only, Boost 1.83 or later
# (Debian bookworm-backports libboost1.83-dev; scripts/setup.sh installs it).
# Built only when found; `mapbench list` says so otherwise (registry.def).
find_package(Boost 1.83 CONFIG QUIET)
if(Boost_FOUND AND EXISTS "${Boost_INCLUDE_DIRS}/boost/unordered/concurrent_flat_map.hpp")
  target_include_directories(maps PRIVATE ${Boost_INCLUDE_DIRS})
  set_property(SOURCE ${CMAKE_CURRENT_LIST_DIR}/boostcfm.cc APPEND PROPERTY
    COMPILE_DEFINITIONS "MAPBENCH_BOOST_VERSION=\"${Boost_VERSION}\"")
  mapbench_lib_map(boostcfm "Boost ${Boost_VERSION} (boost::concurrent_flat_map)")
else()
  message(STATUS "boostcfm: not built (needs Boost 1.83+: libboost1.83-dev)")
endif()
