# mapbench_lib_map(NAME WHAT): what a library map's map.cmake does once it
# has found its library: impls/NAME/NAME.cc into `maps`, the definition
# MAPBENCH_HAVE_<NAME> (registry.def's LIBMAP line), NAME appended to
# MAPBENCH_LIB_MAPS, and the configure line "NAME: WHAT".  A macro, so
# that the list it appends to is the caller's.
macro(mapbench_lib_map name what)
  target_sources(maps PRIVATE ${CMAKE_CURRENT_LIST_DIR}/${name}.cc)
  string(TOUPPER ${name} _mb_lib_up)
  target_compile_definitions(maps PRIVATE MAPBENCH_HAVE_${_mb_lib_up}=1)
  list(APPEND MAPBENCH_LIB_MAPS ${name})
  message(STATUS "${name}: ${what}")
endmacro()
