# Writes OUT (a header) with the commit the tree is at and whether it has
# uncommitted changes, at build time; rewritten only when it changes, so
# that meta.json records the commit the program was built from.
execute_process(COMMAND git -C ${SRC} rev-parse HEAD
  OUTPUT_VARIABLE commit OUTPUT_STRIP_TRAILING_WHITESPACE
  RESULT_VARIABLE rc1 ERROR_QUIET)
execute_process(COMMAND git -C ${SRC} status --porcelain --untracked-files=no
  OUTPUT_VARIABLE dirty OUTPUT_STRIP_TRAILING_WHITESPACE
  RESULT_VARIABLE rc2 ERROR_QUIET)
if(NOT rc1 EQUAL 0)
  set(commit "")
endif()
if(NOT rc2 EQUAL 0)
  set(dirty_flag "unknown")
elseif(dirty STREQUAL "")
  set(dirty_flag "0")
else()
  set(dirty_flag "1")
endif()
set(text "#define MAPBENCH_GIT_COMMIT \"${commit}\"\n#define MAPBENCH_GIT_DIRTY \"${dirty_flag}\"\n")
if(EXISTS ${OUT})
  file(READ ${OUT} old)
else()
  set(old "")
endif()
if(NOT old STREQUAL text)
  file(WRITE ${OUT} "${text}")
endif()
