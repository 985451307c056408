# boostcfm: boost::concurrent_flat_map, header-only, Boost 1.83 or later
# (Debian bookworm-backports libboost1.83-dev; scripts/setup.sh installs it).
# Built only when found; `mapbench list` says so otherwise (registry.def).
find_package(Boost 1.83 CONFIG QUIET)
if(Boost_FOUND AND EXISTS "${Boost_INCLUDE_DIRS}/boost/unordered/concurrent_flat_map.hpp")
  target_sources(maps PRIVATE ${CMAKE_CURRENT_LIST_DIR}/boostcfm.cc)
  target_include_directories(maps PRIVATE ${Boost_INCLUDE_DIRS})
  set_property(SOURCE ${CMAKE_CURRENT_LIST_DIR}/boostcfm.cc APPEND PROPERTY
    COMPILE_DEFINITIONS "MAPBENCH_BOOST_VERSION=\"${Boost_VERSION}\"")
  target_compile_definitions(maps PRIVATE MAPBENCH_HAVE_BOOSTCFM=1)
  list(APPEND MAPBENCH_LIB_MAPS boostcfm)
  message(STATUS "boostcfm: Boost ${Boost_VERSION} (boost::concurrent_flat_map)")
else()
  message(STATUS "boostcfm: not built (needs Boost 1.83+: libboost1.83-dev)")
endif()
