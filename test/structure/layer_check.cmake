# Checks the layer rule for one layer: with that layer's include root, a header of its own layer
# compiles and a header of a layer above it is not found. Run by ctest (test/CMakeLists.txt):
#   cmake -DCXX=<compiler> -DROOTS=<dir;dir> -DOWN=<allowed header> -DUP=<forbidden header> -P layer_check.cmake
set(flags -std=c++20 -fsyntax-only -x c++)
foreach(root ${ROOTS})
  list(APPEND flags -I${root})
endforeach()
get_filename_component(work ${CMAKE_CURRENT_LIST_FILE} DIRECTORY)
string(MAKE_C_IDENTIFIER "${ROOTS}_${UP}" id)
set(tu $ENV{TMPDIR})
if(NOT tu)
  set(tu /tmp)
endif()
set(tu ${tu}/ssehub_layer_${id}.cpp)

file(WRITE ${tu} "#include \"${OWN}\"\n")
execute_process(COMMAND ${CXX} ${flags} ${tu} RESULT_VARIABLE own_rc ERROR_VARIABLE own_err)
if(NOT own_rc EQUAL 0)
  message(FATAL_ERROR "its own header ${OWN} does not compile with these roots:\n${own_err}")
endif()

file(WRITE ${tu} "#include \"${UP}\"\n")
execute_process(COMMAND ${CXX} ${flags} ${tu} RESULT_VARIABLE up_rc ERROR_VARIABLE up_err)
file(REMOVE ${tu})
if(up_rc EQUAL 0 OR NOT up_err MATCHES "No such file")
  message(FATAL_ERROR "a layer above is visible: ${UP} (exit ${up_rc})\n${up_err}")
endif()
message(STATUS "ok: ${OWN} compiles, ${UP} is not visible")
