# tobacco_add_libraries_target(<name> <folders...>): a target that compiles
# every static library defined under the folders (found by walking the
# directory tree, so a new library is included without editing this list).
# It depends on the object files only, so building it compiles our library
# code and links or archives nothing (not even the generated protobuf code,
# whose headers are still generated first).
function(_tobacco_collect_libraries dir out)
  set(found)
  get_property(targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
  foreach(t ${targets})
    get_target_property(type ${t} TYPE)
    if(type STREQUAL "STATIC_LIBRARY")
      list(APPEND found ${t})
    endif()
  endforeach()
  get_property(subdirs DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
  foreach(sub ${subdirs})
    _tobacco_collect_libraries(${sub} sub_found)
    list(APPEND found ${sub_found})
  endforeach()
  set(${out} ${found} PARENT_SCOPE)
endfunction()

function(tobacco_add_libraries_target name)
  set(all)
  foreach(folder ${ARGN})
    _tobacco_collect_libraries(${PROJECT_SOURCE_DIR}/${folder} found)
    list(APPEND all ${found})
  endforeach()
  set(objects)
  foreach(lib ${all})
    list(APPEND objects $<TARGET_OBJECTS:${lib}>)
  endforeach()
  add_custom_target(${name} DEPENDS ${objects})
endfunction()
